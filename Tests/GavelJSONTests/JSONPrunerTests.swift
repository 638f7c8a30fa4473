import GavelCore
import XCTest

@testable import GavelJSON

/// Text cut to a selection must parse to exactly the selected parts of what jansson reads
/// from the whole text, and must never be given for text jansson refuses.
final class JSONPrunerTests: XCTestCase {
    func selection(_ build: (JSONSelection.Builder) -> Void) -> JSONSelection {
        let b = JSONSelection.Builder()
        build(b)
        return b.freeze()
    }

    /// The top level's members all kept whole but `data`, cut to `data`.
    func top(_ data: JSONSelection) -> JSONSelection {
        JSONSelection(whole: false, named: [(Array("data".utf8), data)], others: .everything)
    }

    func cut(_ text: String, _ s: JSONSelection) -> String? {
        Array(text.utf8).withUnsafeBytes { JSONPruner.cut($0, selection: s) }.map { String(decoding: $0.text, as: UTF8.self) }
    }

    func json(_ text: String) throws -> String { JSONWriter.string(try JSONDocument.parse(text).toValue()) }

    /// `value` with only what `s` keeps: the model the cut text must parse to.
    func reference(_ value: Value, _ s: JSONSelection) -> Value {
        if s.whole { return value }
        switch value {
        case .object(let members):
            return .object(
                members.compactMap { m in
                    let key = Array(m.key.utf8)
                    return key.withUnsafeBytes { raw in s.member(raw, hash: JSONSelection.hash(raw)) }.map { Value.Member(m.key, reference(m.value, $0)) }
                })
        case .array(let elements):
            guard let each = s.others else { return value }
            return .array(elements.map { reference($0, each) })
        default: return value
        }
    }

    let sample = """
        {"gavel": "snapshot/v1", "kind": "php", "data": {
          "ini": {"session.cookie_secure": "1", "memory_limit": "128M", "display_errors": "Off"},
          "servers": [{"name": "a", "listen": [443], "raw": {"x": [1, 2, {"y": null}]}}, {"name": "b", "raw": "text \\u00e9 \\ud83d\\ude00"}],
          "big": {"deep": [[[1.5e3, -0, true, false, null]]], "s": "\\"quoted\\" \\\\ \\/ \\b\\f\\n\\r\\t"},
          "meta": 7
        }, "provenance": {"/ini/memory_limit": "/etc/php.ini:3"}}
        """

    func testKeepsTheSelectedPartsAndSkipsTheRest() throws {
        let s = selection { b in
            b.member("ini").member("session.cookie_secure").all()
            let each = b.member("servers").each()
            each.member("name").all()
            b.member("meta").all()
        }
        let text = try XCTUnwrap(cut(sample, top(s)))
        let kept = try JSONDocument.parse(text).toValue()
        let data = kept.objectMembers?.first { $0.key == "data" }?.value
        XCTAssertEqual(
            data.map { JSONWriter.string($0) }, #"{"ini":{"session.cookie_secure":"1"},"servers":[{"name":"a"},{"name":"b"}],"meta":7}"#,
            "members by name, every element of a list with its position, nothing else")
        XCTAssertEqual(JSONWriter.string(kept), JSONWriter.string(reference(try JSONDocument.parse(sample).toValue(), top(s))))
        // The other top-level members are kept whole.
        XCTAssertTrue(text.contains(#""provenance":{"/ini/memory_limit": "/etc/php.ini:3"}"#), text)
    }

    /// A path read through `[*]` and by name: the member gets what both read.
    func testAMemberReadByNameAndThroughEveryMemberGetsBoth() throws {
        let s = selection { b in
            b.member("ini").each().member("never")  // every member of ini, only "never" of each
            b.member("ini").member("memory_limit").all()
        }
        let text = try XCTUnwrap(cut(sample, top(s)))
        let data = try JSONDocument.parse(text).toValue().objectMembers?.first { $0.key == "data" }?.value
        XCTAssertEqual(data.map { JSONWriter.string($0) }, #"{"ini":{"session.cookie_secure":"1","memory_limit":"128M","display_errors":"Off"}}"#)
    }

    func testTheDataMemberIsCutByTheKindWrittenAfterIt() throws {
        let php = selection { $0.member("meta").all() }
        let text = #"{"data": {"meta": 1, "other": [1, 2]}, "gavel": "snapshot/v1", "kind": "php"}"#
        let out = Array(text.utf8).withUnsafeBytes {
            JSONPruner.cut($0, selection: .everyMember, deferred: ("data", "kind", { $0 == "php" ? php : .nothing }))
        }
        XCTAssertEqual(try json(String(decoding: try XCTUnwrap(out).text, as: UTF8.self)), #"{"gavel":"snapshot/v1","kind":"php","data":{"meta":1}}"#)
        // A kind written with escapes, or none, is left to the whole parse.
        for t in [#"{"data": {}, "kind": "ph\u0070"}"#, #"{"data": {}, "gavel": "snapshot/v1"}"#] {
            XCTAssertNil(Array(t.utf8).withUnsafeBytes { JSONPruner.cut($0, selection: .everyMember, deferred: ("data", "kind", { _ in .nothing })) }, t)
        }
    }

    func testTheExternalMemberIsLeftOutAndItsPlaceGiven() throws {
        let bytes = Array(sample.utf8)
        let out = try XCTUnwrap(bytes.withUnsafeBytes { JSONPruner.cut($0, selection: top(.nothing), external: "provenance") })
        let range = try XCTUnwrap(out.external)
        XCTAssertEqual(String(decoding: bytes[range], as: UTF8.self), #"{"/ini/memory_limit": "/etc/php.ini:3"}"#)
        XCTAssertTrue(String(decoding: out.text, as: UTF8.self).hasSuffix(#""provenance":{}}"#))
    }

    /// Whatever is wrong in a skipped part gives nil, as jansson refuses the whole text.
    func testWhatJanssonRefusesInASkippedPartIsNeverCut() throws {
        let bad: [[UInt8]] = [
            Array(#""a\#u{1}b""#.utf8), Array(#""\x""#.utf8), Array(#""\uD800""#.utf8), Array(#""\uDC00""#.utf8), Array(#""\uD800\u0041""#.utf8),
            Array(#""\u12G4""#.utf8), [0x22, 0xC0, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22],
            [0x22, 0xE2, 0x82, 0x22], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0x22, 0xFF, 0x22], Array("01".utf8), Array("1.".utf8),
            Array(".5".utf8), Array("-".utf8), Array("1e".utf8), Array("+1".utf8), Array("tru".utf8), Array("nul".utf8), Array("[1,]".utf8),
            Array(#"{"a":1,}"#.utf8), Array(#"{"a" 1}"#.utf8), Array(#"{"a":1 "b":2}"#.utf8), Array("[1 2]".utf8), Array(#"{"a":1,"a":2}"#.utf8),
            Array("{1:2}".utf8), Array("'x'".utf8), Array("NaN".utf8), Array("Infinity".utf8), Array("[".utf8), Array(#"{"a":[1,2}"#.utf8),
            Array("\"unterminated".utf8), Array("1e999".utf8), Array("123456789012345678901234".utf8),
        ]
        let keep = selection { $0.member("keep").all() }
        for b in bad {
            let text = Array(#"{"kind": "php", "data": {"skip": "#.utf8) + b + Array(#", "keep": 1}}"#.utf8)
            let name = String(decoding: b, as: UTF8.self)
            XCTAssertNil(text.withUnsafeBytes { JSONPruner.cut($0, selection: top(keep)) }, name)
            // Skipped inside a list and inside a kept object's skipped member too.
            let nested = Array(#"{"data": {"keep": 1, "list": [0, "#.utf8) + b + Array("]}}".utf8)
            XCTAssertNil(nested.withUnsafeBytes { JSONPruner.cut($0, selection: top(keep)) }, name)
        }
        // Too deep to be sure of jansson's limit: left to jansson.
        let deep = #"{"data": {"keep": 1, "x": "# + String(repeating: "[", count: 1500) + String(repeating: "]", count: 1500) + "}}"
        XCTAssertNil(cut(deep, top(keep)))
        // What follows the document.
        XCTAssertNil(cut(#"{"data": {}} x"#, top(keep)))
        XCTAssertNotNil(cut(#"{"data": {"keep": 1, "x": "é😀 \u00e9 \ud83d\ude00 \u0000"}}"# + " \n", top(keep)), "valid: cut")
    }

    /// Random documents, randomly damaged: whenever a cut is given and parses, jansson reads
    /// the whole text too, and the cut holds exactly the selected parts of it.
    func testRandomDamageNeverGetsPastTheCut() throws {
        var rng = SplitMix64(seed: 20_261_207)
        let s = selection { b in
            b.member("a").all()
            b.member("b").each().member("k").all()
            b.member("c").member("d").each().all()
        }
        let pieces = [
            "\"", "\\", "\\u", "\\ud800", "{", "}", "[", "]", ",", ":", "0", "01", "-", "e", "1e400", "true", "nul", " ", "\u{1}", "é", "\u{FFFF}",
            "\"a\":1,", "\"k\"", "99999999999999999999",
        ]
        var cutAndParsed = 0, refused = 0
        for _ in 0..<4000 {
            var text = Array(randomDocument(&rng, depth: 0, top: true).utf8)
            for _ in 0..<Int(rng.next() % 3) {
                let at = Int(rng.next() % UInt64(text.count + 1))
                switch rng.next() % 3 {
                case 0: text.insert(contentsOf: Array(pieces[Int(rng.next() % UInt64(pieces.count))].utf8), at: at)
                case 1: if at < text.count { text.remove(at: at) }
                default: if at < text.count { text[at] = UInt8(truncatingIfNeeded: rng.next()) }
                }
            }
            let whole = try? JSONDocument.parse(text)
            guard let c = text.withUnsafeBytes({ JSONPruner.cut($0, selection: top(s)) }), let parsed = try? JSONDocument.parse(c.text) else {
                refused += 1
                continue
            }
            let name = String(decoding: text, as: UTF8.self)
            let w = try XCTUnwrap(whole, "a cut of text jansson refuses: \(name)")
            XCTAssertEqual(JSONWriter.string(parsed.toValue()), JSONWriter.string(reference(w.toValue(), top(s))), name)
            cutAndParsed += 1
        }
        XCTAssertGreaterThan(cutAndParsed, 1000, "most documents are cut")
        XCTAssertGreaterThan(refused, 500, "and the damage is often caught")
    }

    func randomDocument(_ rng: inout SplitMix64, depth: Int, top: Bool = false) -> String {
        let keys = ["a", "b", "c", "d", "k", "x", "data", "é", "sp ace"]
        if top { return "{\"kind\": \"php\", \"data\": " + randomDocument(&rng, depth: 1) + "}" }
        switch depth > 4 ? rng.next() % 4 : rng.next() % 7 {
        case 0: return String(Int64(bitPattern: rng.next()) % 100_000)
        case 1: return ["\"text\"", "\"\\u00e9\\n\"", "\"😀\"", "\"\""][Int(rng.next() % 4)]
        case 2: return ["true", "false", "null", "1.5e3", "-0.25"][Int(rng.next() % 5)]
        case 3: return "\"s\(rng.next() % 10)\""
        case 4, 5:
            var used = Set<String>()
            let members = (0..<Int(rng.next() % 5)).compactMap { _ -> String? in
                let k = keys[Int(rng.next() % UInt64(keys.count))]
                guard used.insert(k).inserted else { return nil }
                return "\"\(k)\": " + randomDocument(&rng, depth: depth + 1)
            }
            return "{" + members.joined(separator: ", ") + "}"
        default:
            return "[" + (0..<Int(rng.next() % 4)).map { _ in randomDocument(&rng, depth: depth + 1) }.joined(separator: ",") + "]"
        }
    }
}
