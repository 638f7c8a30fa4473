import GavelCore

extension Op {
    /// Applies the operator to an observed value (already coerced). `exists` is handled by the evaluator.
    func apply(_ v: Value) -> OpResult {
        switch self {
        case .exists: return .yes
        case .equals(let x, let negated): return Op.applyEquals(v, x, negated: negated)
        case .oneOf(let xs, let negated): return Op.applyOneOf(v, xs, negated: negated)
        case .number(let t): return Op.applyNumber(v, t)
        case .matches(let re, let negated): return Op.applyMatches(v, re, negated: negated)
        case .contains(let x, let negated): return Op.applyContains(v, x, negated: negated)
        case .subsetOf(let xs): return Op.applySet(v, xs, OperatorName.subsetOf.rawValue, Op.subset)
        case .supersetOf(let xs): return Op.applySet(v, xs, OperatorName.supersetOf.rawValue, Op.superset)
        case .disjointFrom(let xs): return Op.applySet(v, xs, OperatorName.disjointFrom.rawValue, Op.disjoint)
        case .version(let rel, let s): return Op.applyVersion(v, rel, s)
        case .length(let t): return Op.applyLength(v, t)
        case .type(let name): return Op.applyType(v, name)
        case .advisories(let ds): return Op.applyAdvisories(v, ds)
        }
    }
}
