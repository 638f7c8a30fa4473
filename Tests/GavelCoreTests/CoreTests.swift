import Foundation
import GavelSHAExtensions
import XCTest

@testable import GavelCore

final class SHA256Tests: XCTestCase {
    func testKnownVectors() {
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(
            SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(
            SHA256.hex(String(repeating: "a", count: 1000)),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    func testIncrementalEqualsOneShot() {
        let data = Array((0..<300).map { UInt8($0 % 251) })
        var h = SHA256()
        h.update(data[0..<7]); h.update(data[7..<130]); h.update(data[130...])
        XCTAssertEqual(h.finalize().map { String(format: "%02x", $0) }.joined(), SHA256.hex(data))
    }
}

final class SuggestTests: XCTestCase {
    func testNearNamesAreSuggested() {
        XCTAssertEqual(Suggest.closest(to: "equal", in: ["equals", "not_equals", "in"]), "equals")
        XCTAssertEqual(Suggest.closest(to: "version_get", in: ["version_gte", "version_gt", "version_lt"]), "version_gt")
        XCTAssertEqual(Suggest.closest(to: "macthes", in: ["matches", "contains"]), "matches")
    }

    /// Too far apart by edits, but one spells out or cuts short the other.
    func testAbbreviationsAndSpelledOutNamesAreSuggested() {
        let conversions = ["bool", "int", "bytes", "duration", "lower", "version"]
        XCTAssertEqual(Suggest.closest(to: "integer", in: conversions), "int")
        XCTAssertEqual(Suggest.closest(to: "dur", in: conversions), "duration")
        XCTAssertEqual(Suggest.closest(to: "lowercase", in: conversions), "lower")
        XCTAssertEqual(Suggest.closest(to: "remed", in: ["remediation", "references", "rules"]), "remediation")
        // Two letters are not enough to go on.
        XCTAssertNil(Suggest.closest(to: "in", in: ["integer_value", "bytes"]))
    }

    func testFarNamesAreNot() {
        XCTAssertNil(Suggest.closest(to: "banana", in: ["equals", "matches"]))
        XCTAssertEqual(Suggest.hint(for: "zzz", in: ["all", "any"]), "")
    }
}

final class JSONWriterTests: XCTestCase {
    func testEscapingAndOrder() {
        let v: Value = .object([("b", 1), ("a", .string("x\"y\n\u{1}")), ("c", .array([.null, true, 1.5]))])
        XCTAssertEqual(JSONWriter.string(v), #"{"b":1,"a":"x\"y\n\u0001","c":[null,true,1.5]}"#)
    }

    func testEscapesAtEdgesAndBesideMultibyteCharacters() {
        XCTAssertEqual(JSONWriter.string(.string("")), #""""#)
        XCTAssertEqual(JSONWriter.string(.string("plain é")), #""plain é""#)
        XCTAssertEqual(JSONWriter.string(.string("\"é\\")), #""\"é\\""#)
        XCTAssertEqual(JSONWriter.string(.string("é\t\u{1F}x")), #""é\t\u001fx""#)
        XCTAssertEqual(JSONWriter.string(.string("\r\n")), #""\r\n""#)
    }

    /// Random strings (quotes, backslashes, every control character, multi-byte characters)
    /// and values written as bytes, as `String`, and pretty: each is JSON that reads back as
    /// what was written.
    func testWrittenTextReadsBackAsTheValue() throws {
        let pool: [Character] = ["a", "\"", "\\", "/", "é", "€", "😀", " ", "\u{7F}"] + (0..<32).map { Character(Unicode.Scalar(UInt8($0))) }
        var rng = SplitMix64(seed: 3)
        for _ in 0..<500 {
            let text = String((0..<rng.int(12)).map { _ in rng.pick(pool) })
            let value: Value = .object([(text, .array([.string(text), .int(Int64(rng.int(1000)) - 500), .double(0.25), .null, .bool(true)]))])
            var bytes: [UInt8] = []
            JSONWriter.write(value, into: &bytes, pretty: false, indent: 0)
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), JSONWriter.string(value))
            var viaString = ""
            JSONWriter.write(value, into: &viaString, pretty: true, indent: 0)
            for json in [bytes, Array(viaString.utf8)] {
                let back = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json)) as? [String: [Any]], String(decoding: json, as: UTF8.self))
                XCTAssertEqual(Array(back.keys), [text])
                XCTAssertEqual(back[text]?.first as? String, text)
            }
        }
    }

    func testSameComparesNumbersAcrossIntAndFloat() {
        XCTAssertTrue(Value.same(.int(2), .double(2.0)))
        XCTAssertFalse(Value.same(.string("1"), .int(1)))
        XCTAssertTrue(Value.same(.object([("a", 1), ("b", 2)]), .object([("b", 2), ("a", 1)])))
        XCTAssertFalse(Value.same(.null, .bool(false)))
    }
}

final class DiagnosticRendererTests: XCTestCase {
    func testCaretUnderColumn() {
        var r = DiagnosticRenderer()
        r.register(file: "p.yaml", text: "a: 1\n  bad: x\n")
        let d = Diagnostic(.unknownKey, "unknown key 'bad'", at: SourceLocation(file: "p.yaml", line: 2, column: 3))
        XCTAssertEqual(
            r.render(d),
            """
            p.yaml:2:3: error[unknown-key]: unknown key 'bad'
              |
            2 |   bad: x
              |   ^
            """)
    }

    /// A long line (a minified or generated file) is shown as a window around the column,
    /// with the caret still under it.
    func testLongLineIsShownAroundTheColumn() {
        var r = DiagnosticRenderer()
        let line = String(repeating: "a", count: 300) + "X" + String(repeating: "b", count: 300)
        r.register(file: "p.yaml", text: line)
        let out = r.render(Diagnostic(.yamlTooDeep, "deep", at: SourceLocation(file: "p.yaml", line: 1, column: 301))).split(separator: "\n")
        XCTAssertEqual(out[2], "1 | ..." + String(repeating: "a", count: 60) + "X" + String(repeating: "b", count: 59) + "...")
        XCTAssertEqual(
            out[3].firstIndex(of: "^").map { out[3].distance(from: out[3].startIndex, to: $0) },
            out[2].firstIndex(of: "X").map { out[2].distance(from: out[2].startIndex, to: $0) })
        // Near either end there is only one cut, and a line up to 160 characters is whole.
        let start = r.render(Diagnostic(.badPath, "x", at: SourceLocation(file: "p.yaml", line: 1, column: 2))).split(separator: "\n")
        XCTAssertEqual(start[2], "1 | " + String(repeating: "a", count: 120) + "...")
        XCTAssertEqual(start[3], "  |  ^")
        XCTAssertEqual(DiagnosticRenderer.excerpt(String(repeating: "c", count: 160), column: 150).0.count, 160)
        XCTAssertEqual(DiagnosticRenderer.excerpt(line, column: 601).0, "..." + String(repeating: "b", count: 120))
    }

    func testSortedByFileThenPosition() {
        let a = Diagnostic(.badPath, "", at: SourceLocation(file: "b.yaml", line: 1, column: 1))
        let b = Diagnostic(.badPath, "", at: SourceLocation(file: "a.yaml", line: 9, column: 1))
        let c = Diagnostic(.badPath, "", at: SourceLocation(file: "a.yaml", line: 2, column: 5))
        XCTAssertEqual(Diagnostic.sorted([a, b, c]).map { $0.location!.description }, ["a.yaml:2:5", "a.yaml:9:1", "b.yaml:1:1"])
    }
}

final class SHA256ExtensionsTests: XCTestCase {
    /// The SHA-instruction path and the portable path agree on every length around block
    /// boundaries and on inputs fed in uneven pieces.
    func testHardwareAndPortableAgree() throws {
        try XCTSkipUnless(SHA256Extensions.isAvailable, "this CPU has no SHA extensions")
        var rng = SystemRandomNumberGenerator()
        for length in Array(0...200) + [1000, 4095, 4096, 65_537] {
            let data = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var hw = SHA256(), sw = SHA256(portable: true)
            XCTAssertTrue(hw.usesExtensions)
            XCTAssertFalse(sw.usesExtensions)
            var i = 0
            while i < length {
                let n = min(length - i, Int.random(in: 1...150, using: &rng))
                hw.update(data[i..<i + n]); sw.update(data[i..<i + n]); i += n
            }
            XCTAssertEqual(hw.finalizeHex(), sw.finalizeHex(), "length \(length)")
        }
        var a = SHA256(portable: true)
        a.update(Array("abc".utf8))
        XCTAssertEqual(a.finalizeHex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
