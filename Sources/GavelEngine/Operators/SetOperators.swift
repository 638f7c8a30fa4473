import GavelCore

/// subset_of / superset_of / disjoint_from: the observed array taken as a set.
extension Op {
    static func applySet(_ v: Value, _ operand: [Value], _ name: String, _ test: ([Value], [Value]) -> Bool) -> OpResult {
        guard case .array(let items) = v else {
            return .error("'\(name)' needs an array, but the value is \(v.typeName) \(JSONWriter.string(v))")
        }
        return .of(test(items, operand))
    }

    static func member(_ x: Value, _ list: [Value]) -> Bool { list.contains { Value.same(x, $0) } }

    static func subset(_ items: [Value], _ of: [Value]) -> Bool { items.allSatisfy { member($0, of) } }
    static func superset(_ items: [Value], _ of: [Value]) -> Bool { of.allSatisfy { member($0, items) } }
    static func disjoint(_ items: [Value], _ from: [Value]) -> Bool { !items.contains { member($0, from) } }
}
