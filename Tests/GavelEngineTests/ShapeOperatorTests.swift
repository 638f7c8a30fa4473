import GavelCore
import XCTest

@testable import GavelEngine

final class ShapeOperatorTests: XCTestCase {
    func testTypeNamesEveryJSONType() {
        let values: [(Value, String)] = [
            (.null, "null"), (true, "bool"), (3, "number"), (2.5, "number"), ("x", "string"),
            (.array([]), "array"), (Value.object([(String, Value)]()), "object"),
        ]
        for (value, type) in values {
            for name in ["null", "bool", "number", "string", "array", "object"] {
                let got = verdict("path: php.ini.v\ntype: \"\(name)\"", php([("v", value)]))?.verdict
                XCTAssertEqual(got, name == type ? .pass : .fail, "\(value) type \(name)")
            }
        }
        let failed = verdict("path: php.ini.v\ntype: string", php([("v", 3)]))
        XCTAssertEqual(failed?.evidence.first?.note, "type is number", "the general path explains a failure")
    }

    func testAnUnquotedNullTypeSaysHowToWriteIt() {
        let out = compile(["p.yaml": policy("path: php.ini.v\ntype: null", kind: "php", params: "", when: nil)])
        XCTAssertEqual(out.errors.map(\.id), ["type-mismatch"])
        XCTAssertTrue(out.errors.first?.message.contains("write type: \"null\" (quoted)") == true, out.errors.first?.message ?? "")
    }
}
