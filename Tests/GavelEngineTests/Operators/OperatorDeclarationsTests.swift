import Foundation
import GavelCore
import XCTest

@testable import GavelEngine

/// The operator declarations are the one list: the compiler's keys, the reference's list
/// and `explain`'s words are all read from them.
final class OperatorDeclarationsTests: XCTestCase {
    static let language =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/docs/LANGUAGE.md"

    /// The operator names the reference's "Operators:" paragraph lists, in its order.
    func documentedOperators() throws -> [String] {
        let text = try String(contentsOfFile: Self.language, encoding: .utf8)
        guard let start = text.range(of: "\nOperators: ") else {
            XCTFail("docs/LANGUAGE.md has no 'Operators:' paragraph")
            return []
        }
        let paragraph = text[start.upperBound...].components(separatedBy: "\n\n")[0]
        // Up to the sentence after the list: "`count` and `length` accept ...".
        let list = paragraph.components(separatedBy: ". ")[0]
        return list.components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map {
            String($0.element.prefix { $0 != ":" && $0 != " " })
        }
    }

    func testTheReferenceListsEveryOperatorInOrder() throws {
        XCTAssertEqual(try documentedOperators(), OperatorName.allCases.map(\.rawValue))
    }

    func testEveryOperatorIsDeclaredOnceAndTheCompilerKnowsIt() {
        XCTAssertEqual(OperatorDeclaration.all.map(\.name), OperatorName.allCases)
        XCTAssertEqual(ConditionKeys.operators, OperatorName.allCases.map(\.rawValue))
        for name in OperatorName.allCases {
            let d = name.declaration
            XCTAssertFalse(d.words.isEmpty, name.rawValue)
            if let positive = d.negates {
                // A negation takes the same operand and conversions as what it negates.
                XCTAssertEqual("\(positive.declaration.operand)", "\(d.operand)", name.rawValue)
                XCTAssertEqual("\(positive.declaration.conversions)", "\(d.conversions)", name.rawValue)
                XCTAssertTrue(name.rawValue.hasPrefix("not_"), name.rawValue)
            }
        }
        // The number relations of count and length are operators of the same names.
        for r in NumberTest.Relation.allCases { XCTAssertEqual(r.operatorName.rawValue, r.rawValue) }
    }

    /// Every declared operator compiles with an operand of its declared shape, and the leaf
    /// records the operator it was written with.
    func testEveryOperatorCompilesFromItsDeclaration() {
        let operand: [OperatorName: String] = [
            .exists: "true", .equals: "\"x\"", .notEquals: "\"x\"", .in: "[\"x\"]", .notIn: "[\"x\"]", .gt: "1", .gte: "1", .lt: "1", .lte: "1",
            .matches: "\"^x$\"", .notMatches: "\"^x$\"", .contains: "\"x\"", .notContains: "\"x\"", .subsetOf: "[\"x\"]",
            .supersetOf: "[\"x\"]", .disjointFrom: "[\"x\"]", .versionLt: "\"8.1\"", .versionLte: "\"8.1\"", .versionGt: "\"8.1\"",
            .versionGte: "\"8.1\"", .versionEquals: "\"8.1\"", .length: "{ gte: 1 }", .type: "string",
        ]
        for name in OperatorName.allCases where name != .advisories {
            let out = compile(["p.yaml": policy("path: php.ini.x\n\(name.rawValue): \(operand[name]!)")], schemaless: true)
            XCTAssertEqual(out.diagnostics.filter { $0.level == .error }.map(\.message), [], name.rawValue)
            guard case .leaf(let leaf)? = out.program?.rules.first?.check else {
                XCTFail("\(name.rawValue) did not compile to a test")
                continue
            }
            XCTAssertEqual(leaf.operator, name)
        }
    }

    /// A conversion the declaration does not allow is refused, with the operator named.
    func testConversionsFollowTheDeclaration() {
        for name in OperatorName.allCases where name != .advisories && name != .length && name != .exists {
            let d = name.declaration
            for c in Coercion.allCases {
                let out = compile(
                    ["p.yaml": policy("path: php.ini.x\nas: \(c.rawValue)\n\(name.rawValue): \(sample(d.operand, c))")], schemaless: true)
                let refused = out.diagnostics.contains { $0.message.contains("which '\(name.rawValue)' cannot test") }
                XCTAssertEqual(refused, !d.conversions.allows(c), "\(name.rawValue) as: \(c.rawValue)")
            }
        }
    }

    private func sample(_ shape: OperatorDeclaration.Operand, _ c: Coercion) -> String {
        switch shape {
        case .list: return c.resultType == "number" ? "[1]" : c.resultType == "bool" ? "[true]" : "[\"x\"]"
        case .number: return "1"
        case .version: return "\"8.1\""
        case .typeName: return "string"
        case .pattern: return "\"x\""
        default: return c.resultType == "number" ? "1" : c.resultType == "bool" ? "true" : "\"x\""
        }
    }
}
