import Foundation
import GavelCore
import GavelJSON
import XCTest

@testable import GavelEngine
@testable import GavelResults

/// Runs every folder under Conformance/: policy files (plus the test catalog), `asset.json`
/// (a merged asset document) and `expected.json` (verdict, optional message, and evidence
/// records whose listed fields must match, in order).
final class ConformanceTests: XCTestCase {
    func testConformanceCases() throws { try runCases(customKinds: false) { $0 } }

    /// The same cases with every kind renamed to one no collector makes (and that has no
    /// schema): the language means the same on any kind.
    func testConformanceCasesOnKindsNoCollectorMakes() throws {
        let names = ["hosting": "acme-host", "php": "x_php", "nginx": "edge-proxy", "wordpress": "cms", "magento": "store-engine", "shopify": "saas-shop"]
        let pattern = try NSRegularExpression(
            pattern: "(?<![A-Za-z0-9_\\\\-])(?<![A-Za-z0-9_]\\.)(hosting|php|nginx|wordpress|magento|shopify)(?=[.\\[,\\] :\"}]|$)",
            options: [.anchorsMatchLines])
        try runCases(customKinds: true) { text in
            var out = text
            for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
                let r = Range(m.range(at: 1), in: text)!
                out.replaceSubrange(r, with: names[String(text[r])]!)
            }
            return out
        }
    }

    /// Runs every case, its policy, asset and expectations passed through `rename`.
    func runCases(customKinds: Bool, _ rename: (String) -> String, file: StaticString = #filePath, line: UInt = #line) throws {
        let root = Bundle.module.resourcePath! + "/Conformance"
        let cases = try FileManager.default.contentsOfDirectory(atPath: root).sorted()
        XCTAssertGreaterThanOrEqual(cases.count, 5)
        for name in cases {
            let dir = root + "/" + name
            var files: [String: String] = [:]
            for rel in FileManager.default.enumerator(atPath: dir)!.allObjects as! [String] where rel.hasSuffix(".yaml") || rel.hasPrefix("data/") {
                files[rel] = rename(try String(contentsOfFile: dir + "/" + rel, encoding: .utf8))
            }
            let out = compile(files)
            guard let program = out.program else {
                XCTFail("\(name): \(out.diagnostics.map(\.description))", file: file, line: line)
                continue
            }
            let kinds = Set(program.rules.flatMap(\.kindNames))
            XCTAssertEqual(kinds.allSatisfy { SnapshotKinds.isBuiltIn($0) != customKinds }, true, "\(name): \(kinds)", file: file, line: line)
            let asset = try JSONDocument.parse(rename(try String(contentsOfFile: dir + "/asset.json", encoding: .utf8))).toValue()
            let expected = try JSONDocument.parse(rename(try String(contentsOfFile: dir + "/expected.json", encoding: .utf8))).toValue()
            guard case .object(let rules) = expected else { XCTFail("\(name): expected.json"); continue }
            let view = AssetView(name: "conformance", merged: asset)
            for m in rules {
                guard let rule = program.rule(m.key) else { XCTFail("\(name): no rule \(m.key)"); continue }
                let o = RuleEvaluator.evaluate(rule, on: view)
                XCTAssertEqual(o.verdict.rawValue, m.value["verdict"]?.stringValue, "\(name) \(m.key) verdict")
                if let msg = m.value["message"]?.stringValue { XCTAssertEqual(o.message, msg, "\(name) \(m.key) message") }
                guard case .array(let evs)? = m.value["evidence"] else { continue }
                XCTAssertEqual(o.evidence.count, evs.count, "\(name) \(m.key) evidence count: \(o.evidence.map(\.path))")
                for (e, want) in zip(o.evidence, evs) {
                    let got = ResultsDocument.evidenceValue(e)
                    guard case .object(let fields) = want else { continue }
                    for f in fields {
                        XCTAssertTrue(
                            got[f.key].map { Value.same($0, f.value) } ?? false,
                            "\(name) \(m.key) evidence \(f.key): got \(got[f.key].map { JSONWriter.string($0) } ?? "nothing"), want \(JSONWriter.string(f.value))"
                        )
                    }
                }
            }
        }
    }
}
