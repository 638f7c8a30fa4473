import GavelCore
import XCTest

@testable import GavelEngine

/// The fix language: each action compiles to what `gavel fix` writes, a value may come from a
/// parameter (so tailoring and the fix agree), and what a program would not read as written
/// is a located `bad-fix`.
final class MachineFixTests: XCTestCase {
    func rule(_ fix: String, kind: String = "nginx", params: String = "", extra: [String: String] = [:]) -> Compiler.Output {
        var files = extra
        files["p.yaml"] = """
            gavel: policy/v1
            id: p
            kind: \(kind)
            \(params.isEmpty ? "" : "params:\n  " + params)
            rules:
              - id: R1
                title: r
                severity: low
                controls: [t:C1]
                check: { path: \(kind).x, equals: "1" }
                fix: \(fix)
                remediation: { summary: Fix it. }
            """
        return compile(files, schemaless: true)
    }

    func testEachActionCompilesToWhatThePatchWrites() {
        XCTAssertEqual(
            rule(#"{ nginx: { directive: ssl_protocols, value: "TLSv1.2 TLSv1.3" } }"#).program?.rules[0].fix,
            [.nginx(directive: "ssl_protocols", value: "TLSv1.2 TLSv1.3")])
        XCTAssertEqual(rule("{ nginx: { directive: server_tokens, value: false } }").program?.rules[0].fix, [.nginx(directive: "server_tokens", value: "off")])
        XCTAssertEqual(rule("{ nginx_remove: { directive: access_log } }").program?.rules[0].fix, [.nginxRemove(directive: "access_log")])
        XCTAssertEqual(
            rule("{ nginx_header: { name: X-Frame-Options, value: SAMEORIGIN } }").program?.rules[0].fix,
            [.nginxHeader(name: "X-Frame-Options", value: "SAMEORIGIN", always: true)], "always unless said otherwise")
        XCTAssertEqual(
            rule("{ nginx_header: { name: Cache-Control, value: no-store, always: false } }").program?.rules[0].fix,
            [.nginxHeader(name: "Cache-Control", value: "no-store", always: false)])
        XCTAssertEqual(
            rule("[{ wp_define: { name: WP_DEBUG, value: false } }, { wp_define: { name: WP_AUTO_UPDATE_CORE, value: minor } }]", kind: "wordpress").program?
                .rules[0].fix, [.wpDefine(name: "WP_DEBUG", value: .bool(false)), .wpDefine(name: "WP_AUTO_UPDATE_CORE", value: .string("minor"))])
        XCTAssertEqual(
            rule("{ sshd: { key: PermitRootLogin, value: false } }", kind: "hosting").program?.rules[0].fix, [.sshd(key: "PermitRootLogin", value: "no")])
        XCTAssertEqual(rule("{ ini: { key: expose_php, value: false } }", kind: "php").program?.rules[0].fix, [.ini(key: "expose_php", value: "Off")])
    }

    func testAValueFromAParameterFollowsTailoring() {
        let fix = "{ ini: { key: session.gc_maxlifetime, value: {param: max_seconds} } }"
        XCTAssertEqual(rule(fix, kind: "php", params: "max_seconds: 1800").program?.rules[0].fix, [.ini(key: "session.gc_maxlifetime", value: "1800")])
        let tailored = rule(fix, kind: "php", params: "max_seconds: 1800", extra: ["t.yaml": "gavel: tailoring/v1\nparams: { p.max_seconds: 900 }\n"])
        XCTAssertEqual(tailored.program?.rules[0].fix, [.ini(key: "session.gc_maxlifetime", value: "900")])
        let unknown = rule("{ ini: { key: x, value: {param: nope} } }", kind: "php", params: "max_seconds: 1800")
        XCTAssertEqual(unknown.errors.map(\.id), [DiagnosticID.unknownParam.rawValue])
    }

    func testWhatAProgramWouldNotReadAsWrittenIsABadFix() {
        let cases: [(String, String, String)] = [
            ("{ nginx: { directive: return, value: \"301 https://x; evil\" } }", "nginx", "the nginx fix sets 'return'"),
            ("{ nginx: { directive: server, value: x } }", "nginx", "a block or include"),
            ("{ nginx_remove: { directive: include } }", "nginx", "a block or include"),
            ("{ nginx: { directive: \"ssl protocols\", value: x } }", "nginx", "an nginx directive is letters, digits and '_'"),
            ("{ nginx_header: { name: \"X Frame\", value: DENY } }", "nginx", "a header name is letters, digits and '-'"),
            ("{ nginx_header: { name: X-A, value: \"a\\\"b\" } }", "nginx", "quote, backslash or line break"),
            ("{ nginx: { directive: ssl_protocols, value: [TLSv1.2] } }", "nginx", "has a list as its value"),
            ("{ wp_define: { name: 1ABC, value: true } }", "wordpress", "a PHP constant is letters"),
            ("{ wp_define: { name: WP_DEBUG, value: null } }", "wordpress", "needs true, false, an integer or a one-line string"),
            ("{ wp_define: { name: WP_DEBUG, value: false } }", "nginx", "a wp_define fix edits the files of a 'wordpress' snapshot"),
            ("{ nginx: { directive: autoindex } }", "nginx", "value"),
            ("{ nginx_remove: { directive: access_log, value: off } }", "nginx", "value"),
        ]
        for (fix, kind, expected) in cases {
            let out = rule(fix, kind: kind)
            XCTAssertNil(out.program, fix)
            let messages = out.errors.map { "\($0.location.map { "\($0.line):\($0.column)" } ?? "-") \($0.id) \($0.message)" }
            XCTAssertTrue(messages.contains { $0.contains(expected) }, "\(fix): \(messages)")
            XCTAssertTrue(out.errors.allSatisfy { $0.location != nil }, "located: \(messages)")
        }
    }

    /// The language reference's table of actions is the declared list, no more, no less.
    func testTheLanguageReferenceDocumentsEveryActionAndOnlyThose() throws {
        let docs =
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path + "/docs/LANGUAGE.md"
        let text = try String(contentsOfFile: docs, encoding: .utf8)
        let section = try XCTUnwrap(text.components(separatedBy: "## Machine fixes").dropFirst().first?.components(separatedBy: "\n## ").first)
        let documented = section.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `"), let colon = line.firstIndex(of: ":") else { return nil }
            return String(line[line.index(line.startIndex, offsetBy: 3)..<colon])
        }
        XCTAssertEqual(documented, MachineFix.actions)
    }
}
