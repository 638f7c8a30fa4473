import XCTest

@testable import GavelReporters

final class XMLTextTests: XCTestCase {
    /// The rule, one scalar at a time: what `escape` must give, however it works.
    private func reference(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default:
                if u.value < 0x20 || u.value == 0xFFFE || u.value == 0xFFFF { out += "\u{FFFD}" } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }

    func testEdges() {
        XCTAssertEqual(XMLText.escape(""), "")
        XCTAssertEqual(XMLText.escape("plain text, nothing to do"), "plain text, nothing to do")
        XCTAssertEqual(XMLText.escape("&"), "&amp;")
        XCTAssertEqual(XMLText.escape("x'"), "x&apos;")
        XCTAssertEqual(XMLText.escape("tab\tnl\ncr\r"), "tab\tnl\ncr\r")
        XCTAssertEqual(XMLText.escape("\u{0}\u{1F}"), "\u{FFFD}\u{FFFD}")
        XCTAssertEqual(XMLText.escape("a\u{FFFE}b\u{FFFF}c\u{FFFD}\u{FFFC}"), "a\u{FFFD}b\u{FFFD}c\u{FFFD}\u{FFFC}")
        XCTAssertEqual(XMLText.escape("é<ü>日本"), "é&lt;ü&gt;日本")
    }

    func testAgreesWithTheRuleOnRandomStrings() {
        let alphabet: [Unicode.Scalar] = [
            "a", "Z", " ", "&", "<", ">", "\"", "'", "\t", "\n", "\r", "\u{0}", "\u{7}", "\u{1F}", "\u{7F}",
            "é", "\u{FFFD}", "\u{FFFE}", "\u{FFFF}", "\u{FFFC}", "\u{EFBF}", "日", "\u{1F600}",
        ]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            var s = ""
            for _ in 0..<Int.random(in: 0...24, using: &rng) { s.unicodeScalars.append(alphabet.randomElement(using: &rng)!) }
            XCTAssertEqual(XMLText.escape(s), reference(s), "\(s.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }
}
