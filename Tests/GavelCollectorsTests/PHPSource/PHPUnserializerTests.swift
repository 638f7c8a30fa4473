import Foundation
import GavelCore
import XCTest

@testable import GavelCollectors

final class PHPUnserializerTests: XCTestCase {
    /// PHP serializes values WordPress stores (active plugins, roles with capabilities,
    /// widget settings, cron arrays) and json_encodes the same values; the reader must
    /// produce the JSON value from the serialized text.
    func testAgreesWithPHPSerialize() throws {
        try PHPOracleTests.phpOrSkip()
        let script = #"""
            $cases = [
                ['akismet/akismet.php', 'woocommerce/woocommerce.php', 'wordfence/wordfence.php'],
                ['administrator' => ['name' => 'Administrator', 'capabilities' => ['switch_themes' => true, 'edit_users' => true, 'level_10' => true]],
                 'shop_manager' => ['name' => 'Shop manager', 'capabilities' => ['read' => true, 'manage_woocommerce' => true]]],
                [2 => ['title' => 'Opening hours', 'text' => "Mon–Fri 9–17\n\"quoted\" ; {braces}"], '_multiwidget' => 1],
                [1732240800 => ['wp_version_check' => ['40cd750bba9870f18aada2478b24840a' => ['schedule' => 'twicedaily', 'args' => [], 'interval' => 43200]]]],
                [true, false, null, -42, 1.5, 0.1, 1e100, ''],
                'a plain string with "quotes" and ; semicolons',
                3,
                [5 => 'a', 7 => 'b'],
            ];
            $out = [];
            foreach ($cases as $c) { $out[] = [serialize($c), $c]; }
            echo json_encode($out, JSON_PRESERVE_ZERO_FRACTION | JSON_UNESCAPED_UNICODE);
            """#
        let p = Process()
        p.executableURL = URL(fileURLWithPath: PHPOracleTests.php)
        p.arguments = ["-n", "-r", script]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let cases = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [[Any]])
        XCTAssertEqual(cases.count, 8)
        for c in cases {
            let serialized = c[0] as! String
            let expected = SchemaConformanceTests.value(c[1])
            let ours = try PHPUnserializer.parse(serialized)
            XCTAssertTrue(Value.same(ours, expected), "\(serialized)\nours: \(ours.display)\nphp:  \(expected.display)")
        }
    }

    func testObjectsAreNeverCreated() throws {
        let v = try PHPUnserializer.parse(#"O:8:"stdClass":2:{s:1:"a";i:1;s:7:"\#0*\#0prot";b:1;}"#)
        XCTAssertEqual(v["__class"], "stdClass")
        XCTAssertEqual(v["properties"]?["prot"], true)
        XCTAssertEqual(try PHPUnserializer.parse(#"E:11:"Suit:Hearts";"#)["__enum"], "Suit:Hearts")
        XCTAssertEqual(try PHPUnserializer.parse(#"a:2:{i:0;s:1:"x";i:1;R:2;}"#).arrayValue?[1]["__reference"], 2)
        XCTAssertEqual(try PHPUnserializer.parse(#"s:3:"é!";"#), "é!", "lengths count bytes")
    }

    func testMalformedInputIsAnErrorWithOffset() {
        func err(_ s: String) -> String? {
            do { _ = try PHPUnserializer.parse(s); return nil } catch { return error.description }
        }
        XCTAssertEqual(err(#"s:10:"short";"#), "impossible count 10 at byte 5")
        XCTAssertEqual(err(#"s:5:"short"#), "expected '\"' at byte 10")
        XCTAssertEqual(err(#"a:2:{i:0;s:1:"x";}"#), "unexpected end of data at byte 17")
        XCTAssertEqual(err("b:2;"), "a boolean is 0 or 1 at byte 4")
        XCTAssertEqual(err("i:1;extra"), "unexpected data after the value at byte 4")
        XCTAssertEqual(err("x:1;"), "unknown type 'x' at byte 0")
        XCTAssertEqual(err("a:99999999:{"), "impossible count 99999999 at byte 11")
        XCTAssertNotNil(
            err(String(repeating: "a:1:{i:0;", count: 1000) + "N;" + String(repeating: "}", count: 1000)), "deep nesting is refused, not a stack overflow")
        var state: UInt64 = 3
        for _ in 0..<3000 {
            let text = (0..<(Int(state % 40))).map { _ -> String in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return ["a:", "s:", "i:", "1", "2", ":", ";", "{", "}", "\"", "N;", "O:", "b:1;", "d:", "-"][Int(state >> 33) % 15]
            }.joined()
            _ = try? PHPUnserializer.parse(text)
        }
    }
}
