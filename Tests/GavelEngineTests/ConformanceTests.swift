import Foundation
import GavelCore
import GavelJSON
import XCTest
@testable import GavelEngine

/// Runs every folder under Conformance/: policy files (plus the test catalog), `asset.json`
/// (a merged asset document) and `expected.json` (verdict, optional message, and evidence
/// records whose listed fields must match, in order).
final class ConformanceTests: XCTestCase {
    func testConformanceCases() throws {
        let root = Bundle.module.resourcePath! + "/Conformance"
        let cases = try FileManager.default.contentsOfDirectory(atPath: root).sorted()
        XCTAssertGreaterThanOrEqual(cases.count, 5)
        for name in cases {
            let dir = root + "/" + name
            var files: [String: String] = [:]
            for rel in FileManager.default.enumerator(atPath: dir)!.allObjects as! [String] where rel.hasSuffix(".yaml") || rel.hasPrefix("data/") {
                files[rel] = try String(contentsOfFile: dir + "/" + rel, encoding: .utf8)
            }
            let out = compile(files)
            guard let program = out.program else {
                XCTFail("\(name): \(out.diagnostics.map(\.description))")
                continue
            }
            let asset = try JSONDocument.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/asset.json")))).toValue()
            let expected = try JSONDocument.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/expected.json")))).toValue()
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
                        XCTAssertTrue(got[f.key].map { Value.same($0, f.value) } ?? false,
                                      "\(name) \(m.key) evidence \(f.key): got \(got[f.key].map { JSONWriter.string($0) } ?? "nothing"), want \(JSONWriter.string(f.value))")
                    }
                }
            }
        }
    }
}
