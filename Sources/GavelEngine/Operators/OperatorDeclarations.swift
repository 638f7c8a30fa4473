import GavelCore

/// The operators of the language, by the key a policy writes. Their order is the order the
/// language reference lists them in (a test holds docs/LANGUAGE.md to it).
public enum OperatorName: String, CaseIterable, Sendable {
    case exists
    case equals
    case notEquals = "not_equals"
    case `in`
    case notIn = "not_in"
    case gt, gte, lt, lte
    case matches
    case notMatches = "not_matches"
    case contains
    case notContains = "not_contains"
    case subsetOf = "subset_of"
    case supersetOf = "superset_of"
    case disjointFrom = "disjoint_from"
    case versionLt = "version_lt"
    case versionLte = "version_lte"
    case versionGt = "version_gt"
    case versionGte = "version_gte"
    case versionEquals = "version_equals"
    case length
    case type
    case advisories

    /// The operator's declaration (below).
    public var declaration: OperatorDeclaration { OperatorDeclaration.table[self]! }
}

/// One operator, declared once: what its operand must be, which conversions (`as:`) it can
/// test, which operator it negates, and its words. The compiler's key table and operand
/// checks, `explain`'s sentences, the empty-list warning and the reference's operator list
/// all read these; what the operator does on a value is `Op`, made from a name and a checked
/// operand in `LeafCompiler` by one exhaustive switch.
public struct OperatorDeclaration: Sendable {
    /// What the operand must be, checked at compile time.
    public enum Operand: Sendable {
        /// `true` or `false`.
        case bool
        /// Any value of the type the conversion gives (any value without one).
        case value
        /// A list of values of the type the conversion gives.
        case list
        case number
        /// A regular expression string.
        case pattern
        /// A version string such as "6.4.2" (a number is read as written).
        case version
        /// `{gt|gte|lt|lte|equals|not_equals: N}`.
        case numberTest
        /// One of `string number bool array object null`.
        case typeName
        /// The name of a dataset in the policy folder's `data/`.
        case dataset
    }

    /// Which conversions (`as:`) the operator can test.
    public enum Conversions: Sendable {
        case none
        case any
        /// Those whose result is of this type (`number`, `string`).
        case giving(String)
        case only([Coercion])

        func allows(_ c: Coercion) -> Bool {
            switch self {
            case .none: return false
            case .any: return true
            case .giving(let t): return c.resultType == t
            case .only(let cs): return cs.contains(c)
            }
        }
    }

    /// How `explain` writes the operand after the operator's words.
    public enum OperandWords: Sendable {
        /// As JSON (`equals "On"`).
        case json
        /// Between slashes (`matches /^TLSv1\.[23]$/`).
        case pattern
        /// As written (`is a version at or after 8.1`).
        case text
    }

    public let name: OperatorName
    public let operand: Operand
    public let conversions: Conversions
    /// The operator this one is the negation of (`not_equals` of `equals`).
    public let negates: OperatorName?
    /// `explain`'s words for the test ("is at least", "does not match").
    public let words: String
    public let operandWords: OperandWords
    /// For list operands written as `[]`: why the test's outcome is then the same on every
    /// value (`empty-operand`); nil when an empty list is a real requirement.
    public let whenListIsEmpty: String?

    init(
        _ name: OperatorName, _ operand: Operand, conversions: Conversions, negates: OperatorName? = nil, words: String,
        operandWords: OperandWords = .json, whenListIsEmpty: String? = nil
    ) {
        (self.name, self.operand, self.conversions, self.negates, self.words) = (name, operand, conversions, negates, words)
        (self.operandWords, self.whenListIsEmpty) = (operandWords, whenListIsEmpty)
    }

    /// Every operator. Adding one: a case of `OperatorName`, a line here, its `Op` in
    /// `LeafCompiler.makeOp` (the switch is exhaustive, so the compiler asks), and a line in
    /// docs/LANGUAGE.md (a test asks).
    static let all: [OperatorDeclaration] = [
        .init(.exists, .bool, conversions: .none, words: "is present"),
        .init(.equals, .value, conversions: .any, words: "equals"),
        .init(.notEquals, .value, conversions: .any, negates: .equals, words: "does not equal"),
        .init(.in, .list, conversions: .any, words: "is one of", whenListIsEmpty: "no value is in an empty list, so this test never holds"),
        .init(
            .notIn, .list, conversions: .any, negates: .in, words: "is none of",
            whenListIsEmpty: "no value is in an empty list, so this test always holds"),
        .init(.gt, .number, conversions: .giving("number"), words: "is greater than"),
        .init(.gte, .number, conversions: .giving("number"), words: "is at least"),
        .init(.lt, .number, conversions: .giving("number"), words: "is less than"),
        .init(.lte, .number, conversions: .giving("number"), words: "is at most"),
        .init(.matches, .pattern, conversions: .giving("string"), words: "matches", operandWords: .pattern),
        .init(.notMatches, .pattern, conversions: .giving("string"), negates: .matches, words: "does not match", operandWords: .pattern),
        .init(.contains, .value, conversions: .only([.lower]), words: "contains"),
        .init(.notContains, .value, conversions: .only([.lower]), negates: .contains, words: "does not contain"),
        .init(.subsetOf, .list, conversions: .none, words: "has only values from"),
        .init(
            .supersetOf, .list, conversions: .none, words: "includes all of",
            whenListIsEmpty: "every list contains all of an empty list, so this test always holds for a list"),
        .init(
            .disjointFrom, .list, conversions: .none, words: "includes none of",
            whenListIsEmpty: "no list shares a member with an empty list, so this test always holds for a list"),
        .init(.versionLt, .version, conversions: .only([.version]), words: "is a version before", operandWords: .text),
        .init(.versionLte, .version, conversions: .only([.version]), words: "is a version at or before", operandWords: .text),
        .init(.versionGt, .version, conversions: .only([.version]), words: "is a version after", operandWords: .text),
        .init(.versionGte, .version, conversions: .only([.version]), words: "is a version at or after", operandWords: .text),
        .init(.versionEquals, .version, conversions: .only([.version]), words: "is version", operandWords: .text),
        .init(.length, .numberTest, conversions: .none, words: "has a length that"),
        .init(.type, .typeName, conversions: .none, words: "is of type", operandWords: .text),
        .init(.advisories, .dataset, conversions: .none, words: "matches no advisory in dataset", operandWords: .text),
    ]

    static let table: [OperatorName: OperatorDeclaration] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The names `type:` accepts.
    public static let typeNames = ["string", "number", "bool", "array", "object", "null"]
}

extension NumberTest.Relation {
    /// The operator of the same name (`gte` in `count:` and `length:` reads as `gte` does).
    public var operatorName: OperatorName { OperatorName(rawValue: rawValue)! }
}
