import XCTest

@testable import GavelFix

/// Edits of nginx text keep every other byte, find the statement the snapshot names even
/// beside others on its line, and refuse a line that no longer holds it.
final class NginxEditTests: XCTestCase {
    let conf = """
        http {
            ssl_protocols TLSv1 TLSv1.1;   # old
            server {
                listen 80; access_log off;
                location /a/
                {
                    add_header Cache-Control "no-store; private" always;
                }
                location /b/ { autoindex on; }
            }
        }

        """

    func testReplacesOnlyTheStatementAndKeepsTheComment() {
        let out = NginxEdit.replace(conf, line: 2, directive: "ssl_protocols", with: "ssl_protocols TLSv1.2 TLSv1.3;")
        XCTAssertEqual(out, conf.replacingOccurrences(of: "ssl_protocols TLSv1 TLSv1.1;   # old", with: "ssl_protocols TLSv1.2 TLSv1.3;   # old"))
        XCTAssertNil(NginxEdit.replace(conf, line: 3, directive: "ssl_protocols", with: "x;"), "line 3 does not set it")
        XCTAssertNil(NginxEdit.replace(conf, line: 99, directive: "ssl_protocols", with: "x;"))
    }

    func testAHeaderIsFoundByItsNameInsideQuotesAndSemicolons() {
        XCTAssertTrue(NginxEdit.lineSets(conf, directive: "add_header", header: "cache-control", line: 7))
        XCTAssertFalse(NginxEdit.lineSets(conf, directive: "add_header", header: "X-Frame-Options", line: 7))
        let out = NginxEdit.replace(conf, line: 7, directive: "add_header", header: "Cache-Control", with: "add_header Cache-Control no-store;")
        XCTAssertTrue(out?.contains("            add_header Cache-Control no-store;\n") == true, out ?? "nil")
    }

    func testRemovesAStatementAndTheLineWhenNothingIsLeft() {
        let partial = NginxEdit.remove(conf, line: 4, directive: "access_log")
        XCTAssertTrue(partial?.contains("        listen 80;\n                location") == false)
        XCTAssertTrue(partial?.contains("        listen 80;\n        location /a/") == true, partial ?? "nil")
        let whole = NginxEdit.remove("server {\n    access_log off;\n}\n", line: 2, directive: "access_log")
        XCTAssertEqual(whole, "server {\n}\n")
        XCTAssertNil(NginxEdit.remove(conf, line: 4, directive: "error_log"))
    }

    func testInsertsAtTheTopOfTheBlockInItsIndentation() {
        XCTAssertEqual(
            NginxEdit.insert(conf, block: 3, ["server_tokens off;", "add_header X-A b;"]),
            conf.replacingOccurrences(of: "    server {\n", with: "    server {\n        server_tokens off;\n        add_header X-A b;\n"))
        // A location whose `{` is on the next line.
        let next = NginxEdit.insert(conf, block: 5, ["add_header X-A b;"])
        XCTAssertTrue(next?.contains("        {\n            add_header X-A b;\n            add_header Cache-Control") == true, next ?? "nil")
        XCTAssertNil(NginxEdit.insert(conf, block: 9, ["autoindex off;"]), "a one-line block is not edited")
        XCTAssertEqual(NginxEdit.httpBlock(conf), 1)
        XCTAssertNil(NginxEdit.httpBlock("events {}\nhttp_thing on;\n"))
    }

    func testCRLFFilesKeepTheirLineEnds() {
        let crlf = "server {\r\n    server_tokens on;\r\n}\r\n"
        XCTAssertEqual(NginxEdit.replace(crlf, line: 2, directive: "server_tokens", with: "server_tokens off;"), "server {\r\n    server_tokens off;\r\n}\r\n")
        XCTAssertEqual(NginxEdit.insert(crlf, block: 1, ["autoindex off;"]), "server {\r\n    autoindex off;\r\n    server_tokens on;\r\n}\r\n")
        XCTAssertEqual(NginxEdit.remove(crlf, line: 2, directive: "server_tokens"), "server {\r\n}\r\n")
    }

    func testQuotesAValueOnlyWhenNginxWouldSplitIt() {
        XCTAssertEqual(NginxEdit.quote("SAMEORIGIN"), "SAMEORIGIN")
        XCTAssertEqual(NginxEdit.quote("max-age=63072000; includeSubDomains"), "\"max-age=63072000; includeSubDomains\"")
    }
}
