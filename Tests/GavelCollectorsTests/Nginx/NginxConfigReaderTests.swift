import GavelCore
import XCTest

@testable import GavelCollectors

/// Files held in memory, so reader tests name exactly the files they need.
struct MemoryFiles: NginxFileSource {
    var files: [String: String]
    func read(_ path: String) throws(FileBytes.ReadError) -> [UInt8] {
        guard let text = files[path] else { throw FileBytes.ReadError(code: ENOENT) }
        return Array(text.utf8)
    }
    func glob(_ pattern: String) -> [String] {
        files.keys.filter { NginxGlob.matches(pattern, $0) }.sorted(by: NginxGlob.byteOrder)
    }
}

func readNginx(_ files: [String: String], main: String = "/etc/nginx/nginx.conf") throws -> [NginxDirective] {
    var r = NginxConfigReader(prefix: "/etc/nginx", source: MemoryFiles(files: files))
    return try r.read(main: main)
}

func nginxError(_ text: String, _ extra: [String: String] = [:]) -> Diagnostic? {
    do {
        _ = try readNginx(extra.merging(["/etc/nginx/nginx.conf": text]) { a, _ in a })
        return nil
    } catch let e as Diagnostic { return e } catch { return nil }
}

final class NginxConfigReaderTests: XCTestCase {
    func testWordsQuotesEscapesAndComments() throws {
        let tree = try readNginx([
            "/etc/nginx/nginx.conf": """
            # comment line
            a "double \\"q\\" x" 'single; {x}' plain\\;semi;
            b a#notcomment ${var}suffix "tab\\there"; # trailing
            if ($scheme != "https") { return 301; }
            """
        ])
        XCTAssertEqual(tree.map(\.name), ["a", "b", "if"])
        XCTAssertEqual(tree[0].args, [#"double "q" x"#, "single; {x}", "plain\\;semi"])
        XCTAssertEqual(tree[0].line, 2)
        XCTAssertEqual(tree[1].args, ["a#notcomment", "${var}suffix", "tab\there"])
        // A quoted word ends at its quote, and ")" right after it starts a new word, as in nginx.
        XCTAssertEqual(tree[2].args, ["($scheme", "!=", "https", ")"])
        XCTAssertEqual(tree[2].block?.first?.args, ["301"])
        XCTAssertEqual(tree[2].block?.first?.line, 4)
    }

    func testNestedBlocksKeepLines() throws {
        let tree = try readNginx(["/etc/nginx/nginx.conf": "http {\n  server {\n    listen 80;\n    location / {\n      autoindex off;\n    }\n  }\n}\n"])
        let server = try XCTUnwrap(tree.first?.block?.first)
        XCTAssertEqual(server.name, "server")
        XCTAssertEqual(server.line, 2)
        XCTAssertEqual(server.block?.map(\.name), ["listen", "location"])
        XCTAssertEqual(server.block?[1].block?.first?.line, 5)
    }

    func testMissingSemicolonIsAnArgumentCountErrorAtTheDirective() throws {
        let e = try XCTUnwrap(nginxError("http {\n  server_tokens off\n  autoindex on;\n}\n"))
        XCTAssertEqual(e.id, "nginx-directive")
        XCTAssertEqual(e.location?.description, "/etc/nginx/nginx.conf:2")
        XCTAssertTrue(e.message.contains(#"invalid number of arguments in "server_tokens" directive"#), e.message)
    }

    func testMissingSemicolonBeforeBrace() throws {
        let e = try XCTUnwrap(nginxError("http {\n  server_tokens off\n}\n"))
        XCTAssertEqual(e.id, "nginx-syntax")
        XCTAssertEqual(e.location?.description, "/etc/nginx/nginx.conf:3:1")
        XCTAssertTrue(e.message.contains(#"unexpected "}""#), e.message)
    }

    func testUnbalancedBraces() throws {
        let open = try XCTUnwrap(nginxError("http {\n  server {\n    listen 80;\n  }\n"))
        XCTAssertTrue(open.message.contains(#"expecting "}" to close "http" opened at line 1"#), open.message)
        XCTAssertEqual(open.location?.description.hasPrefix("/etc/nginx/nginx.conf:5"), true, open.description)
        let extra = try XCTUnwrap(nginxError("events {}\n}\n"))
        XCTAssertEqual(extra.location?.description, "/etc/nginx/nginx.conf:2:1")
        XCTAssertTrue(extra.message.contains(#"unexpected "}""#))
    }

    func testUnterminatedQuotePointsAtTheQuote() throws {
        let e = try XCTUnwrap(nginxError("http {\n  add_header X-A \"value;\n}\n"))
        XCTAssertEqual(e.location?.description, "/etc/nginx/nginx.conf:2:18")
        XCTAssertTrue(e.message.contains("quoted string"), e.message)
    }

    func testBlockAndFlagShapes() throws {
        XCTAssertEqual(nginxError("http;\n")?.message, #"directive "http" has no opening "{""#)
        XCTAssertEqual(nginxError("http { listen 80 { } }\n")?.message, #"directive "listen" is not terminated by ";""#)
        XCTAssertEqual(nginxError("http { autoindex yes; }\n")?.message, #"invalid value "yes" in "autoindex" directive, it must be "on" or "off""#)
        // Inside types/map blocks the lines are data, and upstream's server takes arguments.
        XCTAssertNil(nginxError("http { types { text/html html htm; } map $a $b { default 0; ~x 1; } upstream u { server 127.0.0.1:9000 weight=2; } }\n"))
    }

    func testIncludesResolveFromThePrefixAndGlobInByteOrder() throws {
        let tree = try readNginx([
            "/etc/nginx/nginx.conf": "http {\n  include conf.d/*.conf;\n  include /etc/nginx/extra;\n}\n",
            "/etc/nginx/conf.d/b.conf": "b;\n",
            "/etc/nginx/conf.d/a.conf": "a;\ninclude snippets/s.conf;\n",
            "/etc/nginx/conf.d/Z.conf": "Z;\n",
            "/etc/nginx/conf.d/.hidden.conf": "hidden;\n",
            "/etc/nginx/conf.d/a.conf.bak": "bak;\n",
            "/etc/nginx/snippets/s.conf": "s;\n",  // relative to the prefix, not to conf.d
            "/etc/nginx/extra": "x;\n",
        ])
        let http = try XCTUnwrap(tree.first?.block)
        XCTAssertEqual(http.map(\.name), ["include", "Z", "a", "include", "s", "b", "include", "x"])
        XCTAssertEqual(http[0].included, ["/etc/nginx/conf.d/Z.conf", "/etc/nginx/conf.d/a.conf", "/etc/nginx/conf.d/b.conf"])
        XCTAssertEqual(http[4].file, "/etc/nginx/snippets/s.conf")
        XCTAssertEqual(http[5].location.description, "/etc/nginx/conf.d/b.conf:1")
    }

    func testIncludeErrors() throws {
        let missing = try XCTUnwrap(nginxError("http {\n  include sites/missing.conf;\n}\n"))
        XCTAssertEqual(missing.id, "nginx-include")
        XCTAssertEqual(missing.location?.description, "/etc/nginx/nginx.conf:2")
        XCTAssertTrue(missing.message.contains(#"open() "/etc/nginx/sites/missing.conf" failed"#), missing.message)
        XCTAssertNil(nginxError("http { include none/*.conf; }\n"), "a glob that matches nothing is fine in nginx")
        let loop = try XCTUnwrap(nginxError("include nginx.conf;\n"))
        XCTAssertTrue(loop.message.contains("nested deeper"), loop.message)
        // An included file must balance its own braces.
        let inner = try XCTUnwrap(nginxError("http {\n include a.conf;\n}\n", ["/etc/nginx/a.conf": "server {\n"]))
        XCTAssertEqual(inner.location?.description.hasPrefix("/etc/nginx/a.conf:2"), true, inner.description)
    }

    func testDumpSectionsParseLikeTheFiles() throws {
        let dump = try NginxDump(
            """
            # configuration file /etc/nginx/nginx.conf:
            http {
                include sites/*.conf;
            }

            # configuration file /etc/nginx/sites/a.conf:
            server {
                listen 443 ssl;
            }


            """)
        XCTAssertEqual(dump.main, "/etc/nginx/nginx.conf")
        var r = NginxConfigReader(prefix: "/etc/nginx", source: dump)
        let tree = try r.read(main: dump.main)
        let server = try XCTUnwrap(tree.first?.block?.last)
        XCTAssertEqual(server.location.description, "/etc/nginx/sites/a.conf:1")
        XCTAssertEqual(server.block?.first?.location.description, "/etc/nginx/sites/a.conf:2")
        XCTAssertEqual(String(decoding: try dump.read("/etc/nginx/sites/a.conf"), as: UTF8.self), "server {\n    listen 443 ssl;\n}\n")
        XCTAssertThrowsError(try NginxDump("nginx: [emerg] something\n"))
    }
}

extension NginxConfigReaderTests {
    /// Random mixes of nginx's special characters never crash the reader or the model, and
    /// every error points inside the text.
    func testRandomInputNeverTraps() {
        var state: UInt64 = 20261122
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        let pieces = [
            "http", "server", "location", "/", "{", "}", ";", " ", "\n", "\"", "'", "\\", "#", "$", "${x}", "listen", "443", "ssl",
            "add_header", "X-A", "always", "include", "a.conf", "*.conf", "return", "301", "https://x", "if", "(", ")", "map", "é",
        ]
        var errors = 0
        for _ in 0..<2000 {
            let text = (0..<(next() % 40)).map { _ in pieces[next() % pieces.count] }.joined()
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
            do {
                let tree = try readNginx(["/etc/nginx/nginx.conf": text, "/etc/nginx/a.conf": "server { listen 80; }\n"])
                var b = SnapshotBuilder(asset: "r", kind: "nginx")
                var model = NginxModel(defaults: NginxDefaults(version: nil))
                _ = model.build(tree, into: &b)
            } catch let e as Diagnostic {
                errors += 1
                let parts = (e.location?.description ?? "").split(separator: ":")
                if parts.count >= 2, let line = Int(parts[1]), parts[0] == "/etc/nginx/nginx.conf" {
                    XCTAssertTrue(line >= 1 && line <= lines + 1, "\(e) for \(text.debugDescription)")
                }
            } catch {
                XCTFail("unexpected \(error)")
            }
        }
        XCTAssertGreaterThan(errors, 100, "the generator must produce broken configs too")
    }
}

/// `nginx -T`'s dump is ambiguous: a file may hold a line that looks like a section header.
extension NginxConfigReaderTests {
    func testACommentThatLooksLikeADumpHeaderStaysInItsFile() throws {
        let dump = """
            # configuration file /etc/nginx/nginx.conf:
            events {}
            http {
            # configuration file /x.conf:
                server_tokens off;
                include /etc/nginx/sites/*.conf;
            }

            # configuration file /etc/nginx/sites/a.conf:
            server {
            # configuration file /etc/nginx/sites/a.conf:
                listen 443 ssl;
            }

            """
        let (parsed, reader, tree) = try NginxDump.read(dump)
        XCTAssertEqual(parsed.main, "/etc/nginx/nginx.conf")
        XCTAssertEqual(reader.files, ["/etc/nginx/nginx.conf", "/etc/nginx/sites/a.conf"])
        let http = try XCTUnwrap(tree.first { $0.name == "http" })
        XCTAssertEqual(http.block?.map(\.name), ["server_tokens", "include", "server"], "the comment did not cut nginx.conf short")
        XCTAssertEqual(http.block?.first?.location.description, "/etc/nginx/nginx.conf:4", "lines count the comment line")
        let server = try XCTUnwrap(http.block?.last)
        XCTAssertEqual(server.block?.first?.location.description, "/etc/nginx/sites/a.conf:3")
    }
}
