import Foundation
import GavelCore
import GavelEngine
import XCTest

@testable import GavelFix

/// FixRun without the owning programs: the patch still has to pass re-evaluation, and the
/// outcome says which program's check was not made instead of implying it was.
final class FixRunTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func testAProgramThatIsNotInstalledIsNamedNotImplied() throws {
        let program = try XCTUnwrap(Compiler.compile(path: Self.repo + "/Policies").program)
        var run = FixRun(program: program, snapshots: Self.repo + "/Snapshots")
        run.root = Self.repo + "/examples/fleet/clinic-b.example.com/root"
        run.assetPatterns = ["clinic-b.example.com"]
        run.rules = ["PHP-EXPOSE-001", "NGX-TOKENS-001"]
        run.php = nil
        run.nginx = nil
        let outcomes = try run.run()
        XCTAssertEqual(outcomes.map(\.asset), ["clinic-b.example.com"])
        let o = try XCTUnwrap(outcomes.first)
        XCTAssertEqual(o.fixed.sorted(), ["NGX-TOKENS-001", "PHP-EXPOSE-001"], "re-evaluation alone still proves them: \(o.withheld)")
        XCTAssertEqual(
            o.notes,
            [
                "php -n -c was not run on the patched php.ini: /usr/bin/php is not installed",
                "nginx -t was not run on the patched configuration: /usr/sbin/nginx is not installed",
            ])
        XCTAssertTrue(o.patch.contains("+expose_php = Off\n") && o.patch.contains("+    server_tokens off;\n"), o.patch)
    }

    func testAMissingSnapshotFolderIsAnErrorNotNothingToFix() throws {
        let program = try XCTUnwrap(Compiler.compile(path: Self.repo + "/Policies").program)
        var run = FixRun(program: program, snapshots: "/nonexistent-\(UUID().uuidString)")
        XCTAssertThrowsError(try run.run()) { error in
            XCTAssertEqual((error as? Diagnostic)?.code, .unreadable, "\(error)")
        }
    }

    func testTheScratchRootIsTheOwnersAlone() throws {
        let dir = try FixRun.scratchRoot()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: dir)[.posixPermissions] as? Int)
        XCTAssertEqual(mode & 0o777, 0o700, "copies of configuration files with credentials are not for other users")
    }

    /// nginx before 1.19.5 has no -e: the check runs without it rather than withholding
    /// every nginx fix as "rejected".
    func testAnNginxWithoutTheStartupLogOptionStillChecks() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") else { throw XCTSkip("nginx is not installed") }
        let old = NSTemporaryDirectory() + "gavel-old-nginx-\(UUID().uuidString)"
        try """
        #!/bin/sh
        for a in "$@"; do [ "$a" = "-e" ] && { echo 'nginx: invalid option: "e"' >&2; exit 1; }; done
        exec /usr/sbin/nginx "$@"

        """.write(toFile: old, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: old) }
        XCTAssertEqual(chmod(old, 0o755), 0)
        let program = try XCTUnwrap(Compiler.compile(path: Self.repo + "/Policies").program)
        var run = FixRun(program: program, snapshots: Self.repo + "/Snapshots")
        run.root = Self.repo + "/examples/fleet/clinic-b.example.com/root"
        run.assetPatterns = ["clinic-b.example.com"]
        run.rules = ["NGX-TOKENS-001"]
        run.nginx = old
        let o = try XCTUnwrap(try run.run().first)
        XCTAssertEqual(o.fixed, ["NGX-TOKENS-001"], "\(o.withheld)")
        XCTAssertEqual(o.notes, [])
    }

    func testADirectiveOverSeveralLinesIsSaidSoNotCalledAChangedFile() {
        let text = "http {\n    ssl_ciphers\n        ECDHE-RSA-AES128-GCM-SHA256:ALL;\n    add_header X-A \"a\n b\";\n}\n"
        XCTAssertEqual(
            FixRun.unedited(text, file: "/etc/nginx/nginx.conf", line: 2, what: "ssl_ciphers"),
            "/etc/nginx/nginx.conf line 2 begins ssl_ciphers, which goes on over several lines; gavel fix edits one line, so edit it by hand")
        XCTAssertTrue(FixRun.unedited(text, file: "f", line: 4, what: "add_header X-A").contains("begins add_header, which goes on"))
        XCTAssertEqual(
            FixRun.unedited(text, file: "f", line: 1, what: "ssl_ciphers"),
            "f changed since the snapshot (line 1 no longer sets ssl_ciphers): collect the asset again")
    }
}
