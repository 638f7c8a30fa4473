import XCTest

@testable import GavelFix

/// Setting a directive keeps every other byte of the file, in the form the line had.
final class IniEditTests: XCTestCase {
    func testReplacesTheLineThatSetsIt() {
        let text = "[PHP]\n; keep me\nexpose_php = On   ; old\n  display_errors=1\n"
        XCTAssertEqual(IniEdit.set(text, key: "expose_php", value: "Off", line: 3), "[PHP]\n; keep me\nexpose_php = Off\n  display_errors=1\n")
        XCTAssertEqual(IniEdit.set(text, key: "display_errors", value: "Off", line: 4), "[PHP]\n; keep me\nexpose_php = On   ; old\n  display_errors = Off\n")
    }

    func testALineThatNoLongerSetsTheKeyIsNoticed() {
        let text = "[PHP]\nexpose_php = On\n  php_admin_value[ session.cookie_secure ] = 0\n"
        XCTAssertTrue(IniEdit.lineSets(text, key: "expose_php", line: 2))
        XCTAssertTrue(IniEdit.lineSets(text, key: "session.cookie_secure", line: 3))
        XCTAssertFalse(IniEdit.lineSets(text, key: "expose_php", line: 1))
        XCTAssertFalse(IniEdit.lineSets(text, key: "expose_php", line: 9))
    }

    func testKeepsThePoolDirectiveForm() {
        let pool = "[www]\nphp_admin_value[session.cookie_secure] = 0\nphp_flag[display_errors] = on\n"
        XCTAssertEqual(
            IniEdit.set(pool, key: "session.cookie_secure", value: "1", line: 2),
            "[www]\nphp_admin_value[session.cookie_secure] = 1\nphp_flag[display_errors] = on\n")
        XCTAssertEqual(
            IniEdit.set(pool, key: "display_errors", value: "off", line: 3),
            "[www]\nphp_admin_value[session.cookie_secure] = 0\nphp_flag[display_errors] = off\n")
    }

    func testAddsWhatNothingSetsWherePHPAppliesItEverywhere() {
        XCTAssertEqual(IniEdit.set("[PHP]\nx = 1", key: "y", value: "2", line: nil), "[PHP]\nx = 1\ny = 2\n")
        XCTAssertEqual(
            IniEdit.set("[PHP]\nx = 1\n[PATH=/var/www/a]\nx = 0\n", key: "y", value: "Lax", line: nil), "[PHP]\nx = 1\ny = Lax\n\n[PATH=/var/www/a]\nx = 0\n",
            "before a per-path section, whose directives apply to some requests only")
        XCTAssertEqual(IniEdit.set("", key: "session.save_path", value: "/var/lib/php sessions", line: nil), "session.save_path = \"/var/lib/php sessions\"\n")
    }

    func testADiffNeverShowsASecretLineAsContext() throws {
        let old = "[PHP]\nmysqli.default_pw = test-only-not-a-secret-Zq9\nexpose_php = On\n"
        let new = IniEdit.set(old, key: "expose_php", value: "Off", line: 3)
        let full = try UnifiedDiff.of(path: "/etc/php.ini", old: old, new: new)
        XCTAssertTrue(full.contains("test-only-not-a-secret"), "diff -u shows the line above as context")
        let bare = try UnifiedDiff.withoutContext(path: "/etc/php.ini", old: old, new: new)
        XCTAssertFalse(bare.contains("test-only-not-a-secret"))
        XCTAssertTrue(bare.contains("-expose_php = On\n+expose_php = Off\n"), bare)
    }
}

extension IniEditTests {
    func testCRLFLinesAreCountedAsPHPCountsThem() {
        let crlf = "[PHP]\r\nexpose_php = On\r\n"
        XCTAssertTrue(IniEdit.lineSets(crlf, key: "expose_php", line: 2))
        XCTAssertEqual(IniEdit.set(crlf, key: "expose_php", value: "Off", line: 2), "[PHP]\r\nexpose_php = Off\r\n")
        XCTAssertEqual(IniEdit.set(crlf, key: "log_errors", value: "On", line: nil), "[PHP]\r\nexpose_php = On\r\nlog_errors = On\r\n")
    }
}
