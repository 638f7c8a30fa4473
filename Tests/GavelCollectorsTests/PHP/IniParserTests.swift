import Foundation
import GavelCore
import XCTest

@testable import GavelCollectors

final class IniParserTests: XCTestCase {
    func parse(_ text: String) -> Result<[IniParser.Entry], IniParser.SyntaxError> {
        var p = IniParser { _ in nil }
        return p.parse(text, file: "t.ini")
    }

    func values(_ text: String) -> [String: String] {
        guard case .success(let es) = parse(text) else { XCTFail("parse failed: \(parse(text))"); return [:] }
        var out: [String: String] = [:]
        for e in es where e.section == nil && e.offset == nil { out[e.key] = e.value }
        return out
    }

    func testBooleansConstantsAndExpressions() {
        let v = values("a = Off\nb = YES\nc = E_ALL & ~E_NOTICE\nd = (1 | 2) ^ 1\ne = !0\nf = none\n")
        XCTAssertEqual(v["a"], "")
        XCTAssertEqual(v["b"], "1")
        XCTAssertEqual(v["c"], "32759")
        XCTAssertEqual(v["d"], "2")
        XCTAssertEqual(v["e"], "1")
        XCTAssertEqual(v["f"], "")
    }

    func testQuotingAndConcatenation() {
        let v = values(#"a = "x;y" ; comment"# + "\n" + #"b = 'raw \n ${X}'"# + "\n" + #"c = "a" "b" c"# + "\n" + #"d = "q\"\\\$""# + "\n")
        XCTAssertEqual(v["a"], "x;y")
        XCTAssertEqual(v["b"], #"raw \n ${X}"#)
        XCTAssertEqual(v["c"], "abc")
        XCTAssertEqual(v["d"], #"q"\$"#)
    }

    func testVariablesReadEarlierDirectivesFirst() {
        var p = IniParser { $0 == "from_earlier_file" ? "earlier" : nil }
        guard case .success(let es) = p.parse("a = 1M\nb = ${a}/x\nc = ${from_earlier_file}\n", file: "t.ini") else { return XCTFail() }
        XCTAssertEqual(es.map(\.value), ["1M", "1M/x", "earlier"])
    }

    func testPathAndHostSectionsAreKeptApartAndOrdinarySectionsDoNotEndThem() {
        guard case .success(let es) = parse("a = 1\n[PATH=/var/www]\nb = 2\n[PHP]\nc = 3\n") else { return XCTFail() }
        XCTAssertEqual(es.map { $0.section ?? "-" }, ["-", "PATH=/var/www", "PATH=/var/www"])
    }

    func testSyntaxErrorsNameLineAndColumn() {
        for (text, line, column) in [("a = 1\nb = \"open\n", 2, 5), ("a = 1\n[broken\n", 2, 8), ("ok = 1\nx = a=b\n", 2, 6), ("on = 1\n", 1, 1)] {
            guard case .failure(let e) = parse(text) else { XCTFail("no error for \(text)"); continue }
            XCTAssertEqual([e.line, e.column], [line, column], "\(text.debugDescription): \(e)")
            XCTAssertTrue(e.description.hasPrefix("t.ini:\(line):\(column): error[php-ini-syntax]"), e.description)
        }
    }
}

final class PHPFPMPoolTests: XCTestCase {
    func write(_ text: String) -> String {
        let path = NSTemporaryDirectory() + "gavel-pool-\(UUID().uuidString).conf"
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testOverridesApplyOnTopOfIniWithTheirOrigin() throws {
        let ini = write("display_errors = On\nmemory_limit = 128M\n")
        let pool = write("[www]\nuser = www-data\nphp_admin_flag[display_errors] = off\nphp_value[memory_limit] = 256M\n")
        var b = SnapshotBuilder(asset: "a", kind: "php")
        let data = try PHPIniCollector(ini: ini, scanDirs: [], fpmPool: pool, sapi: "fpm-fcgi").collect(into: &b)
        XCTAssertEqual(data["ini"]?["display_errors"]?.stringValue, "0")
        XCTAssertEqual(data["ini"]?["memory_limit"]?.stringValue, "256M")
        XCTAssertEqual(data["origin"]?["display_errors"]?.stringValue, "fpm-admin")
        XCTAssertEqual(data["origin"]?["memory_limit"]?.stringValue, "fpm")
        XCTAssertEqual(data["fpm_pool"]?["settings"]?["user"]?.stringValue, "www-data")
        let prov = b.document(data: data)["provenance"]
        XCTAssertEqual(prov?["/ini/display_errors"]?.stringValue, "\(pool):3")
        // Unset directives take PHP's built-in default, not a template's.
        XCTAssertEqual(data["ini"]?["expose_php"]?.stringValue, PHPDefaults.values["expose_php"])
        XCTAssertEqual(data["origin"]?["expose_php"]?.stringValue, "default")
    }

    func testBracketsInCommentsAndValuesAreNotPools() throws {
        let ini = write("a = 1\n")
        let pool = write("; see [the manual]\n[www]\nphp_value[a] = \"[x]\"\n")
        var b = SnapshotBuilder(asset: "a", kind: "php")
        let data = try PHPIniCollector(ini: ini, scanDirs: [], fpmPool: pool).collect(into: &b)
        XCTAssertEqual(data["fpm_pool"]?["name"]?.stringValue, "www")
        XCTAssertEqual(data["ini"]?["a"]?.stringValue, "[x]")
    }

    func testSeveralPoolsNeedAChoice() {
        let ini = write("a = 1\n")
        let pool = write("[one]\nphp_value[a] = 2\n[two]\nphp_value[a] = 3\n")
        var b = SnapshotBuilder(asset: "a", kind: "php")
        XCTAssertThrowsError(try PHPIniCollector(ini: ini, scanDirs: [], fpmPool: pool).collect(into: &b)) {
            XCTAssertTrue("\($0)".contains("choose one with --pool"), "\($0)")
        }
        let data = try? PHPIniCollector(ini: ini, scanDirs: [], fpmPool: pool, poolName: "two").collect(into: &b)
        XCTAssertEqual(data?["ini"]?["a"]?.stringValue, "3")
    }

    func testScanDirectoryFilesAreReadInByteOrderAndLaterOnesWin() throws {
        let dir = NSTemporaryDirectory() + "gavel-scan-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "memory_limit = 1M\n".write(toFile: dir + "/20-b.ini", atomically: true, encoding: .utf8)
        try "memory_limit = 2M\n".write(toFile: dir + "/30-C.ini", atomically: true, encoding: .utf8)
        try "memory_limit = 3M\n".write(toFile: dir + "/30-c.ini", atomically: true, encoding: .utf8)
        try "memory_limit = 9M\n".write(toFile: dir + "/99-z.conf", atomically: true, encoding: .utf8)
        let ini = write("memory_limit = 0M\n")
        var b = SnapshotBuilder(asset: "a", kind: "php")
        let data = try PHPIniCollector(ini: ini, scanDirs: [dir]).collect(into: &b)
        XCTAssertEqual(data["ini"]?["memory_limit"]?.stringValue, "3M")
        XCTAssertEqual(data["ini_files"]?.arrayValue?.count, 4)
    }
}

final class IniParserRobustnessTests: XCTestCase {
    /// Random text built from the characters the scanner treats specially must give a value
    /// or a syntax error with a position inside the text, never a crash.
    func testRandomInputNeverTraps() {
        let alphabet = Array("ab=;[]\"'${}()|&^~!\\ \t\n\r.0onfE_ALL".utf8)
        var state: UInt64 = 42
        var errors = 0
        for _ in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...40, using: &SeededLengths.shared) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bytes.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            let text = String(decoding: bytes, as: UTF8.self)
            var p = IniParser { _ in nil }
            if case .failure(let e) = p.parse(text, file: "fuzz.ini") {
                errors += 1
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count + text.filter { $0 == "\r" }.count
                XCTAssertTrue(e.line >= 1 && e.line <= lines + 1, "line \(e.line) for \(text.debugDescription)")
                XCTAssertGreaterThanOrEqual(e.column, 1)
            }
        }
        XCTAssertGreaterThan(errors, 100, "the generator must reach the error paths")
    }
}

/// A deterministic source for the lengths above.
struct SeededLengths: RandomNumberGenerator {
    nonisolated(unsafe) static var shared = SeededLengths()
    var state: UInt64 = 7
    mutating func next() -> UInt64 {
        state = state &* 2862933555777941757 &+ 3037000493
        return state
    }
}
