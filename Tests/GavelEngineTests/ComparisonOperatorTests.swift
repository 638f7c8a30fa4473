import GavelCore
import XCTest

@testable import GavelEngine

final class ComparisonOperatorTests: XCTestCase {
    func testEqualsNeedsSameType() {
        XCTAssertEqual(verdict("path: php.ini.x\nequals: 1", php([("x", "1")]))?.verdict, .fail)
        XCTAssertEqual(verdict("path: php.ini.x\nequals: 1", php([("x", 1)]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.x\nequals: 1", php([("x", 1.0)]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.x\nnot_equals: \"on\"", php([("x", "On")]))?.verdict, .pass)
    }

    func testBoolSpellingsWithAs() {
        for (raw, expected) in [("On", Verdict.pass), ("yes", .pass), ("1", .pass), ("TRUE", .pass), ("Off", .fail), ("", .fail), ("0", .fail), ("no", .fail)] {
            XCTAssertEqual(verdict("path: php.ini.x\nas: bool\nequals: true", php([("x", .string(raw))]))?.verdict, expected, raw)
        }
        XCTAssertEqual(verdict("path: php.ini.x\nas: bool\nequals: true", php([("x", " On\t")]))?.verdict, .pass, "ends are trimmed")
        XCTAssertEqual(verdict("path: php.ini.x\nas: bool\nequals: true", php([("x", "o n")]))?.verdict, .error, "inner spaces are not")
        let bad = verdict("path: php.ini.x\nas: bool\nequals: true", php([("x", "maybe")]))
        XCTAssertEqual(bad?.verdict, .error)
        XCTAssertEqual(bad?.evidence.first?.observed, "maybe")
    }

    func testInAndNotIn() {
        XCTAssertEqual(verdict("path: php.sapi\nin: [fpm-fcgi, apache2handler]", .object([("php", .object([("sapi", "fpm-fcgi")]))]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.sapi\nnot_in: [cli]", .object([("php", .object([("sapi", "cli")]))]))?.verdict, .fail)
    }

    func testNumberComparisons() {
        XCTAssertEqual(verdict("path: php.ini.n\ngt: 2", php([("n", 2.5)]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.n\ngte: 3", php([("n", 3)]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.n\nlt: 3", php([("n", 3)]))?.verdict, .fail)
        XCTAssertEqual(verdict("path: php.ini.n\nlte: 2.5", php([("n", 2)]))?.verdict, .pass)
        let strOutcome = verdict("path: php.ini.n\ngt: 2", php([("n", "30")]))
        XCTAssertEqual(strOutcome?.verdict, .error, "a string is not silently compared as a number")
        XCTAssertEqual(verdict("path: php.ini.n\nas: int\ngt: 2", php([("n", "30")]))?.verdict, .pass)
    }

    func testBytesAndDurations() {
        XCTAssertEqual(verdict("path: php.ini.m\nas: bytes\nlte: 128M", php([("m", "64M")]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.m\nas: bytes\nlte: 134217728", php([("m", "1G")]))?.verdict, .fail)
        XCTAssertEqual(verdict("path: php.ini.m\nas: bytes\nequals: 524288", php([("m", "512k")]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.t\nas: duration\nlte: 15m", php([("t", "900")]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.t\nas: duration\nequals: 5400", php([("t", "1h30m")]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.t\nas: duration\ngt: 1", php([("t", "soon")]))?.verdict, .error)
    }

    /// Blanks around a number or its unit are ignored: ASCII ones and Unicode spaces (Zs),
    /// as Foundation's whitespace set has them; anything else is an error.
    func testCoercionsIgnoreSurroundingWhitespace() {
        XCTAssertEqual(verdict("path: php.ini.m\nas: bytes\nequals: 134217728", php([("m", " \t128 M ")]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.m\nas: bytes\nequals: 65536", php([("m", "\u{00A0}64k\u{3000}")]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.m\nas: bytes\nequals: 2", php([("m", "2")]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.m\nas: bytes\ngt: 1", php([("m", "M")]))?.verdict, .error)
        XCTAssertEqual(verdict("path: php.ini.m\nas: bytes\ngt: 1", php([("m", "12\u{00E9}")]))?.verdict, .error)
        XCTAssertEqual(verdict("path: php.ini.n\nas: int\nequals: 5", php([("n", " +5\t")]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.n\nas: int\nequals: -7", php([("n", "\u{2003}-7")]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.t\nas: duration\nequals: 120", php([("t", " 2m ")]))?.verdict, .pass)
    }
}

final class MissingValueTests: XCTestCase {
    func testMissingIsErrorUnlessSaid() {
        let o = verdict("path: php.ini.expose_php\nequals: \"Off\"", php([]))
        XCTAssertEqual(o?.verdict, .error)
        XCTAssertEqual(o?.message, "missing evidence: php.ini.expose_php")
        XCTAssertEqual(verdict("path: php.ini.x\nequals: 1\nmissing: pass", php([]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.x\nequals: 1\nmissing: fail", php([]))?.verdict, .fail)
    }

    func testNullIsPresent() {
        XCTAssertEqual(verdict("path: php.ini.x\nexists: true", php([("x", .null)]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.x\nexists: false", php([]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.x\nexists: true", php([]))?.verdict, .fail)
        XCTAssertEqual(verdict("path: php.ini.x\nequals: 1", php([("x", .null)]))?.verdict, .fail)
    }

    func testMissingKindIsNotApplicable() {
        XCTAssertEqual(verdict("path: php.ini.x\nequals: 1", .object([("nginx", Value.object([Value.Member]()))]))?.verdict, .notApplicable)
    }

    func testPathThroughAScalarIsMissing() {
        XCTAssertEqual(verdict("path: php.ini.x.y\nequals: 1", php([("x", "str")]), schemaless: true)?.verdict, .error)
    }
}

final class LogicTests: XCTestCase {
    let err = "{ path: php.ini.absent, equals: 1 }"
    let yes = "{ path: php.ini.a, equals: 1 }"
    let no = "{ path: php.ini.a, equals: 2 }"
    let asset = php([("a", 1)])

    func v(_ check: String) -> Verdict? { verdict(check, asset)?.verdict }

    func testAllIsFalseIfAnyFalseElseErrorIfAnyErrs() {
        XCTAssertEqual(v("all: [\(err), \(no)]"), .fail, "an error does not hide a real failure")
        XCTAssertEqual(v("all: [\(yes), \(err)]"), .error)
        XCTAssertEqual(v("all: [\(yes), \(yes)]"), .pass)
    }

    func testAnyIsTrueIfAnyTrueElseErrorIfAnyErrs() {
        XCTAssertEqual(v("any: [\(err), \(yes)]"), .pass)
        XCTAssertEqual(v("any: [\(no), \(err)]"), .error, "an error does not invent a pass")
        XCTAssertEqual(v("any: [\(no), \(no)]"), .fail)
    }

    func testNoneAndNot() {
        XCTAssertEqual(v("none: [\(no), \(no)]"), .pass)
        XCTAssertEqual(v("none: [\(no), \(yes)]"), .fail)
        XCTAssertEqual(v("none: [\(no), \(err)]"), .error)
        XCTAssertEqual(v("not: \(yes)"), .fail)
        XCTAssertEqual(v("not: \(err)"), .error)
    }

    func testEvidenceKeepsTheDecidingLeaves() {
        let o = verdict("all: [\(yes), \(no), \(err)]", asset)
        XCTAssertEqual(o?.verdict, .fail)
        XCTAssertEqual(o?.evidence.map(\.path), ["php.ini.a"])
        XCTAssertEqual(o?.evidence.first?.observed, .int(1))
        XCTAssertEqual(o?.evidence.first?.expected, .int(2))
    }

    func testWhenDecidesApplicability() {
        XCTAssertEqual(verdict(yes, asset, when: no)?.verdict, .notApplicable)
        XCTAssertEqual(verdict(no, asset, when: yes)?.verdict, .fail)
        XCTAssertEqual(verdict(yes, asset, when: err)?.verdict, .error)
    }

    /// Numbers too large for an integer are decided or reported, never a trap: a duration of
    /// 10^20 seconds is compared as a double, a byte size that overflows is an error.
    func testHugeValuesAreDecidedNotTrapped() {
        XCTAssertEqual(verdict("path: php.ini.t\nas: duration\ngt: 1", php([("t", "99999999999999999999")]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.t\nas: duration\nlt: 1", php([("t", "99999999999999999999w")]))?.verdict, .fail)
        XCTAssertEqual(verdict("path: php.ini.m\nas: bytes\ngt: 1", php([("m", "9999999999G")]))?.verdict, .error)
        XCTAssertEqual(verdict("path: php.ini.m\nas: bytes\ngt: 1", php([("m", "99999999999999999999")]))?.verdict, .error)
        XCTAssertEqual(verdict("path: php.ini.n\nas: int\ngt: 1", php([("n", "99999999999999999999")]))?.verdict, .error)
        XCTAssertEqual(verdict("path: php.ini.n\nas: int\ngt: 1", php([("n", 1e19)]))?.verdict, .error)
        XCTAssertEqual(verdict("path: php.ini.n\nas: bytes\ngt: 1", php([("n", 1e19)]))?.verdict, .pass)
    }

    /// The forms the flat plan decides itself (numbers, plain digits with one unit) and those
    /// it leaves to the general path give the answers the coercions define.
    func testPlainAndGeneralFormsAgree() {
        let cases: [(String, Value, String, Verdict)] = [
            ("bytes", "128M", "equals: 134217728", .pass), ("bytes", "128M", "gte: 134217728", .pass), ("bytes", "128M", "gt: 134217728", .fail),
            ("bytes", "2g", "gt: 2147483647", .pass), ("bytes", "0012k", "lt: 12289", .pass), ("bytes", 4096, "lte: 4096", .pass),
            ("bytes", 1.5, "gt: 1", .pass), ("duration", "90s", "equals: 90", .pass), ("duration", "90s", "gte: 91", .fail),
            ("duration", "2h", "gt: 7199", .pass), ("duration", "3w", "equals: 1814400", .pass), ("duration", "1h30m", "gt: 5399", .pass),
            ("duration", "500ms", "lt: 1", .pass), ("duration", "500ms", "equals: 0.5", .pass), ("duration", "500ms", "gt: 0.4", .pass),
            ("duration", "1500ms", "equals: 1.5", .pass), ("duration", "1s500ms", "gt: 1.4", .pass), ("duration", "30", "lte: 30", .pass),
            ("int", "0030", "equals: 30", .pass),
            ("int", "30", "gt: 29", .pass), ("int", 3.0, "gt: 2", .pass), ("int", 2.5, "gt: 2", .error), ("int", "3k", "gt: 2", .error),
            ("duration", "5x", "gt: 2", .error), ("bytes", "5s", "gt: 2", .error), ("int", "", "gt: 2", .error),
        ]
        for (coercion, value, test, expected) in cases {
            XCTAssertEqual(verdict("path: php.ini.v\nas: \(coercion)\n\(test)", php([("v", value)]))?.verdict, expected, "\(coercion) \(value) \(test)")
        }
    }
}
