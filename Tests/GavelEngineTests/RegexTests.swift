import GavelCore
import XCTest

@testable import GavelEngine

final class RegexTests: XCTestCase {
    func m(_ p: String, _ s: String) -> Bool { try! Regex(p).search(s) }

    func testSearchIsUnanchored() {
        XCTAssertTrue(m("max-age=[0-9]+", "max-age=300; preload"))
        XCTAssertFalse(m("^max-age", "x max-age=1"))
        XCTAssertTrue(m("^a.c$", "abc"))
        XCTAssertFalse(m("^a.c$", "abcd"))
    }

    func testAlternationGroupsAndRepeats() {
        XCTAssertTrue(m("^(TLSv1\\.2|TLSv1\\.3)$", "TLSv1.3"))
        XCTAssertFalse(m("^(TLSv1\\.2|TLSv1\\.3)$", "TLSv1"))
        XCTAssertTrue(m("^a{2,3}$", "aaa"))
        XCTAssertFalse(m("^a{2,3}$", "aaaa"))
        XCTAssertTrue(m("^(ab)+$", "ababab"))
        XCTAssertTrue(m("^x?y*z+$", "zz"))
        XCTAssertTrue(m("^a{2,}$", "aaaaa"))
        XCTAssertTrue(m("^$", ""))
    }

    func testBracketsAndClasses() {
        XCTAssertTrue(m("^[[:alpha:]_][[:alnum:]_-]*$", "wp_options-1"))
        XCTAssertFalse(m("[^a-z]", "abc"))
        XCTAssertTrue(m("[]x]", "]"))
        XCTAssertTrue(m("[a-]", "-"))
        XCTAssertTrue(m("^\\d+\\s\\w+$", "42 ok"))
    }

    func testCaseInsensitiveFlag() {
        XCTAssertTrue(m("(?i)^nosniff$", "NoSniff"))
        XCTAssertFalse(m("^nosniff$", "NoSniff"))
    }

    func testNoCatastrophicBacktracking() {
        // (a*)*b on a long run of a's is exponential for a backtracker; linear here.
        XCTAssertFalse(m("^(a*)*b$", String(repeating: "a", count: 5000)))
    }

    func testSyntaxErrorsHavePositions() {
        func err(_ p: String) -> Regex.SyntaxError? {
            do { _ = try Regex(p); return nil } catch { return error }
        }
        XCTAssertEqual(err("ab(c")?.offset, 2)
        XCTAssertEqual(err("abc)")?.offset, 3)
        XCTAssertEqual(err("*a")?.offset, 0)
        XCTAssertEqual(err("[z-a]")?.message.contains("invalid range"), true)
        XCTAssertEqual(err("[[:nope:]]")?.message, "unknown character class '[:nope:]'")
        XCTAssertNotNil(err("a{3,1}"))
        XCTAssertNotNil(err("x\\"))
        XCTAssertNotNil(err("[abc"))
    }

    /// The automaton and the simulation agree on random patterns and texts, anchors included.
    func testAutomatonAgreesWithSimulation() throws {
        var rng = SplitMix64(seed: 42)
        let atoms = ["a", "b", "c", "-", ".", "[ab]", "[^a]", "[[:digit:]]", "1", "\\.", ":"]
        func pattern(_ depth: Int) -> String {
            var s = ""
            for _ in 0..<(1 + rng.int(3)) {
                var atom = depth > 0 && rng.int(4) == 0 ? "(" + pattern(depth - 1) + "|" + pattern(depth - 1) + ")" : atoms[rng.int(atoms.count)]
                switch rng.int(7) {
                case 0: atom += "*"
                case 1: atom += "+"
                case 2: atom += "?"
                case 3: atom += "{\(rng.int(3)),\(rng.int(2) == 0 ? "" : String(2 + rng.int(2)))}"
                default: break
                }
                s += atom
            }
            return (rng.int(3) == 0 ? "^" : "") + s + (rng.int(3) == 0 ? "$" : "")
        }
        var built = 0
        for _ in 0..<400 {
            let p = (rng.int(5) == 0 ? "(?i)" : "") + pattern(2)
            let re = try Regex(p)
            if re.dfa != nil { built += 1 }
            for _ in 0..<40 {
                let text = String((0..<rng.int(12)).map { _ in Array("abcAB-1:.x")[rng.int(10)] })
                var copy = text
                let (fast, slow) = copy.withUTF8 { (re.search(bytes: $0), re.simulate($0)) }
                XCTAssertEqual(fast, slow, "pattern \(p) on \"\(text)\"")
            }
        }
        XCTAssertGreaterThan(built, 390, "nearly every small pattern gets an automaton")
    }

    /// The shipped kinds of pattern get an automaton; one whose automaton would pass the
    /// state limit (an `a` 12 places from the end needs 2^13 states) is simulated, correctly.
    func testAutomatonLimitFallsBackToSimulation() throws {
        XCTAssertNotNil(try Regex("max-age=(3[1-9][0-9]{6}|[4-9][0-9]{7}|[0-9]{9,})").dfa)
        XCTAssertNotNil(try Regex("(^|:)[+]?(RC4|3DES|DES-CBC3-SHA|MD5|EXPORT|NULL|aNULL|eNULL|ALL|LOW)(:|$)").dfa)
        let wide = try Regex("(a|b)*a(a|b){12}$")
        XCTAssertNil(wide.dfa)
        XCTAssertTrue(wide.search("bbb" + "a" + String(repeating: "b", count: 12)))
        XCTAssertFalse(wide.search("a" + String(repeating: "b", count: 13)))
    }
}

/// Patterns arrive in pull requests: none may stall `gavel check` or exhaust its memory.
extension RegexTests {
    func testProgramSizeIsCountedBeforeEmitting() throws {
        for pattern in ["^(((a{1000}){1000}){10})$", "((((a{1000}){1000}){1000}){1000})", "(a{1000}|b{1000}){101}", "[a-z]{1000}[0-9]{1000}(x{1000}){99}"] {
            XCTAssertThrowsError(try Regex(pattern), pattern) { e in
                XCTAssertTrue((e as! Regex.SyntaxError).message.contains("too large"), "\(e)")
            }
        }
        // Just under the limit still compiles, and the count equals what is emitted.
        let big = try Regex("^(a{1000}){99}$")
        XCTAssertTrue(big.search(String(repeating: "a", count: 99_000)))
        XCTAssertFalse(big.search(String(repeating: "a", count: 98_999)))
        for pattern in ["a{3,7}", "(ab|c)*d+", "x{2,}", "(a|b|c){0,4}", "^$", "(a?){10}"] {
            var parser = RegexParser(Array(pattern.utf8))
            let tree = try parser.parseAll()
            var program: [Inst] = []
            RegexParser.emit(tree, into: &program)
            XCTAssertEqual(RegexParser.programSize(tree), program.count, pattern)
        }
    }

    func testDeepNestingIsRefusedNotAStackOverflow() {
        let deep = String(repeating: "(", count: 5000) + "a" + String(repeating: ")", count: 5000)
        XCTAssertThrowsError(try Regex(deep)) { e in
            XCTAssertTrue((e as! Regex.SyntaxError).message.contains("nested deeper than 1000"), "\(e)")
        }
        XCTAssertNoThrow(try Regex(String(repeating: "(", count: 999) + "a" + String(repeating: ")", count: 999)))
    }
}
