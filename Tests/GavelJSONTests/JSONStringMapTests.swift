import GavelCore
import XCTest

@testable import GavelJSON

/// A map read from its text must say what jansson says about the same text, or step aside
/// (nil) and leave the text to jansson.
final class JSONStringMapTests: XCTestCase {
    private func map(_ text: String) -> JSONStringMap? {
        Array(text.utf8).withUnsafeBytes { JSONStringMap($0) }
    }

    func testLooksUpEveryEntryAsJanssonReadsIt() throws {
        let text = """
            {
              "/ini/session.cookie_secure": "/etc/php/8.2/fpm/php.ini:1427",
              "/servers/0/locations/3": "/etc/nginx/sites-enabled/a b.conf:12" ,"": "root:1",
              "/a~1b/c~0d": "x"
            }
            """
        let m = try XCTUnwrap(map(text))
        guard case .object(let members) = try JSONDocument.parse(text).toValue() else { return XCTFail("not an object") }
        XCTAssertEqual(m.count, members.count)
        for member in members { XCTAssertEqual(m.value(forKey: member.key), member.value.stringValue, member.key) }
        XCTAssertNil(m.value(forKey: "/ini"))
        XCTAssertNil(m.value(forKey: "/ini/session.cookie_secure/"))
        XCTAssertEqual(try XCTUnwrap(map(" {} ")).count, 0)
        XCTAssertNil(try XCTUnwrap(map("{}")).value(forKey: ""))
    }

    /// Many entries: every one is found through the table, and keys that are not there are not.
    func testATableOfManyEntriesFindsEachOne() throws {
        let keys = (0..<1000).map { "/ini/directive_\($0 * 7919 % 1000)" }
        let text = "{" + keys.enumerated().map { "\"\($0.element)\": \"php.ini:\($0.offset)\"" }.joined(separator: ",") + "}"
        let m = try XCTUnwrap(map(text))
        for (n, key) in keys.enumerated() { XCTAssertEqual(m.value(forKey: key), "php.ini:\(n)") }
        for n in 1000..<1100 { XCTAssertNil(m.value(forKey: "/ini/directive_\(n)")) }
    }

    /// Keys are hashed a word at a time: keys of every length around the word size, which
    /// differ only in their last byte or only in length, are each found and not confused.
    func testKeysOfEveryLengthAreTold() throws {
        let base = "/servers/3/locations/10/headers/x"
        var keys: [String] = []
        for n in 0...base.utf8.count {
            let prefix = String(base.prefix(n))
            keys.append(prefix)
            if n > 0 { keys.append(String(prefix.dropLast()) + "#") }
        }
        let unique = Array(Set(keys)).sorted()
        let text = "{" + unique.enumerated().map { "\"\($0.element)\": \"v\($0.offset)\"" }.joined(separator: ",") + "}"
        let m = try XCTUnwrap(map(text))
        for (n, key) in unique.enumerated() { XCTAssertEqual(m.value(forKey: key), "v\(n)", key) }
        for key in ["##", base + "/", base + "#", "/servers/3/locations/10/headers/y"] { XCTAssertNil(m.value(forKey: key), key) }
    }

    /// What is not the plain form is left to jansson, valid or not: escapes, characters past
    /// ASCII, values that are not strings, a key twice, anything around or inside that is wrong.
    func testStepsAsideForAnythingButThePlainForm() {
        for text in [
            #"{"a\/b": "x"}"#, #"{"a": "C:\\php.ini:1"}"#, #"{"a": "\u0041"}"#, #"{"é": "x"}"#, #"{"a": "café.ini:1"}"#,
            #"{"a": 1}"#, #"{"a": null}"#, #"{"a": ["x"]}"#, #"{"a": "x", "a": "y"}"#, #"{"a": "x",}"#, #"{"a": "x""#,
            #"{"a" "x"}"#, #"{"a": "x"} 1"#, #"["a"]"#, "", "{\"a\": \"x\ty\"}", "{\"a\": \"x\u{7F}\"}", #"{'a': "x"}"#, "{,}",
        ] {
            XCTAssertNil(map(text), text)
        }
    }

    /// Mutations of a plain map: whatever the map accepts, jansson accepts with the same
    /// entries. (What it refuses, jansson decides.)
    func testWhatItAcceptsJanssonReadsTheSame() throws {
        let base = Array(
            """
            { "/ini/a": "/etc/php.ini:1", "/ini/b": "/etc/php.ini:2",
             "/servers/0/ssl": "/etc/nginx/nginx.conf:5" }
            """.utf8)
        let alphabet = Array(#"{}[]":,\ "ab/01\#n\#t"#.utf8) + [0x7F, 0xC3, 0x00]
        var rng = SplitMix64(seed: 7)
        var accepted = 0
        for _ in 0..<5000 {
            var text = base
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let at = Int(rng.next() % UInt64(text.count))
                switch rng.next() % 3 {
                case 0: text.remove(at: at)
                case 1: text.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
                default: text[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                }
            }
            guard let m = text.withUnsafeBytes({ JSONStringMap($0) }) else { continue }
            accepted += 1
            let whole: Value
            do { whole = try JSONDocument.parse(text).toValue() } catch {
                XCTFail("accepted what jansson refuses (\(error)): \(String(decoding: text, as: UTF8.self))")
                continue
            }
            guard case .object(let members) = whole else { XCTFail("not an object"); continue }
            XCTAssertEqual(m.count, members.count)
            for member in members { XCTAssertEqual(m.value(forKey: member.key), member.value.stringValue) }
        }
        XCTAssertGreaterThan(accepted, 100, "the mutations should leave some maps plain")
    }
}
