import GavelCore
import XCTest

@testable import GavelJSON

/// A document read a part at a time must be judged as jansson judges it whole: the same
/// values, and invalid JSON refused wherever it is, with its position in the whole text.
final class JSONPartsTests: XCTestCase {
    /// Every part parsed, and every element of every array member: all the reader does.
    private func readAll(_ text: [UInt8]) throws(JSONDocument.ParseError) -> [String: Value] {
        let result: Result<[String: Value], JSONDocument.ParseError> = text.withUnsafeBytes { raw in
            do throws(JSONDocument.ParseError) {
                let parts = try JSONParts(raw)
                var out: [String: Value] = [:]
                for (key, part) in parts.members {
                    if let elements = try parts.elements(part) {
                        out[key] = .array(try elements.map { e throws(JSONDocument.ParseError) in try parts.parse(e).toValue() })
                    } else {
                        out[key] = try parts.parse(part).toValue()
                    }
                }
                return .success(out)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    func testMembersAndElementsAreTheValuesJanssonReads() throws {
        let text = #"""
            { "gavel" : "results/v1", "n": -1.5e3 ,"\u0061b": {"x": "}]\"[{", "y": [1, {"z": null}]},
              "list": [ {"a": "]"}, "tw\"o", 3, [], {} ],
              "empty": [], "t": true }
            """#
        let parts = try readAll(Array(text.utf8))
        let whole = try JSONDocument.parse(text).toValue()
        guard case .object(let members) = whole else { return XCTFail("not an object") }
        XCTAssertEqual(parts.count, members.count)
        for m in members { XCTAssertTrue(Value.same(parts[m.key] ?? .null, m.value), m.key) }
        XCTAssertNotNil(parts["ab"], "a key is decoded")
    }

    func testWhatLiesBetweenThePartsIsChecked() {
        for (text, line, column) in [
            ("[1, 2]", 1, 1), ("{\"a\": 1 \"b\": 2}", 1, 9), ("{\"a\" 1}", 1, 6), ("{\"a\": 1,}", 1, 9),
            ("{\"a\": 1} x", 1, 10), ("{\"a\": 1, \"a\": 2}", 1, 10), ("{\"a\": [1 2]}", 1, 10), ("{\"a\": ", 1, 6),
            ("{\"a\": ,\"b\": 1}", 1, 7),
        ] {
            do {
                _ = try readAll(Array(text.utf8))
                XCTFail("accepted \(text)")
            } catch {
                XCTAssertEqual([error.line, error.column], [line, column], "\(text): \(error.message)")
            }
        }
    }

    func testAnErrorInsideAPartIsPlacedInTheWholeText() {
        let text = "{\"a\": 1,\n  \"list\": [{\"x\": 1},\n    {\"y\": tru}]}"
        var whole: JSONDocument.ParseError?
        do { _ = try JSONDocument.parse(text) } catch { whole = error }
        do {
            _ = try readAll(Array(text.utf8))
            XCTFail("accepted")
        } catch {
            XCTAssertEqual(error.line, 3)
            XCTAssertEqual([error.line, error.column], [whole?.line, whole?.column], "\(error) against jansson's \(String(describing: whole))")
        }
    }

    /// Random documents, each cut, doubled or replaced at a random byte: read a part at a
    /// time, each is refused exactly when jansson refuses it whole, on the line jansson
    /// names, and a document that is accepted reads as the same values.
    func testMutatedDocumentsAreRefusedExactlyWhenJanssonRefusesThem() throws {
        var r = SplitMix64(seed: 7)
        func scalar() -> String {
            r.pick(["1", "-2.5e3", "true", "false", "null", #""plain""#, #""b]r}a[c{k\"s""#, #""\u00e9\\""#, #""é€""#])
        }
        func value(_ depth: Int) -> String {
            guard depth < 3, r.int(3) > 0 else { return scalar() }
            if r.int(2) == 0 { return "[" + (0..<r.int(4)).map { _ in value(depth + 1) }.joined(separator: ", ") + "]" }
            return "{" + (0..<r.int(4)).map { i in "\"k\(i)\": " + value(depth + 1) }.joined(separator: ",") + "}"
        }
        let punctuation: [UInt8] = Array(#"{}[],:" \n1a"#.utf8)
        var refused = 0
        var samePlace = 0
        for _ in 0..<3000 {
            let doc = "{" + (0..<(1 + r.int(5))).map { i in "\n \"m\(i)\": " + value(0) }.joined(separator: ",") + "}"
            var bytes = Array(doc.utf8)
            let at = r.int(bytes.count)
            switch r.int(3) {
            case 0: bytes.remove(at: at)
            case 1: bytes.insert(bytes[at], at: at)
            default: bytes[at] = r.pick(punctuation)
            }
            var wholeError: JSONDocument.ParseError?
            var wholeValue: Value?
            do { wholeValue = try JSONDocument.parse(bytes).toValue() } catch { wholeError = error }
            do {
                let parts = try readAll(bytes)
                XCTAssertNil(wholeError, "accepted what jansson refuses: \(String(decoding: bytes, as: UTF8.self))")
                if case .object(let members)? = wholeValue {
                    XCTAssertEqual(parts.count, members.count)
                    for m in members { XCTAssertTrue(Value.same(parts[m.key] ?? .null, m.value)) }
                }
            } catch {
                refused += 1
                XCTAssertNotNil(wholeError, "refused what jansson accepts (\(error)): \(String(decoding: bytes, as: UTF8.self))")
                // On the line jansson names (the column may be the start of the token where
                // jansson gives its end), unless the text is not an object at all.
                if let w = wholeError, !error.message.contains("not a JSON object") {
                    XCTAssertEqual(error.line, w.line, "\(error) against jansson's \(w): \(String(decoding: bytes, as: UTF8.self))")
                    if error.line == w.line, error.column == w.column { samePlace += 1 }
                }
            }
        }
        XCTAssertGreaterThan(refused, 1000, "the mutations make invalid documents")
        XCTAssertGreaterThan(Double(samePlace) / Double(refused), 0.85, "most at jansson's very column")
    }
}
