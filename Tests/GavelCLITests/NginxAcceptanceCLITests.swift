import Foundation
import XCTest

/// nginx is the oracle of what a configuration is: for each case, `nginx -t` and
/// `gavel collect nginx --config` must agree on whether it is accepted.
extension CLITests {
    private struct AcceptanceCase {
        var name: String
        var main: String
        var files: [String: String] = [:]
        /// Made after the files: links and folders nginx's glob will match.
        var prepare: (String) throws -> Void = { _ in }
    }

    private func long(_ n: Int) -> String { String(repeating: "a", count: n) }

    static let lua = "load_module /usr/lib/nginx/modules/ndk_http_module.so;\nload_module /usr/lib/nginx/modules/ngx_http_lua_module.so;\nevents {}\n"

    private var acceptanceCases: [AcceptanceCase] {
        [
            AcceptanceCase(name: "include /dev/null", main: "events {}\nhttp { include /dev/null; }\n"),
            AcceptanceCase(
                name: "include of server lines inside upstream",
                main:
                    "events {}\nhttp {\n  upstream app { include upstream.conf; }\n  server { listen 127.0.0.1:8080; location / { proxy_pass http://app; } }\n}\n",
                files: ["upstream.conf": "server 127.0.0.1:9000;\nserver 127.0.0.1:9001 backup;\n"]),
            AcceptanceCase(
                name: "include inside map", main: "events {}\nhttp {\n  map $uri $new { default \"\"; include redirects.map; }\n}\n",
                files: ["redirects.map": "/old /new;\n/a /b;\n"]),
            AcceptanceCase(name: "missing include inside map", main: "events {}\nhttp {\n  map $uri $new { default \"\"; include missing.map; }\n}\n"),
            AcceptanceCase(
                name: "include inside types", main: "events {}\nhttp { types { include more.types; } }\n",
                files: ["more.types": "text/html html;\n"]),
            AcceptanceCase(
                name: "glob matching a dangling link", main: "events {}\nhttp { include sites/*.conf; }\n",
                files: ["sites/a.conf": "server { listen 127.0.0.1:8081; }\n"],
                prepare: { dir in _ = symlink(dir + "/nowhere.conf", dir + "/sites/b.conf") }),
            AcceptanceCase(
                name: "glob matching a folder", main: "events {}\nhttp { include sites/*; }\n",
                files: ["sites/a.conf": "server { listen 127.0.0.1:8082; }\n"],
                prepare: { dir in try FileManager.default.createDirectory(atPath: dir + "/sites/z", withIntermediateDirectories: true) }),
            AcceptanceCase(name: "byte order mark", main: "\u{FEFF}events {}\nhttp { }\n"),
            AcceptanceCase(name: "word of 4095 bytes", main: "events {}\nhttp { server { server_name \(long(4095)); } }\n"),
            AcceptanceCase(name: "word of 4096 bytes", main: "events {}\nhttp { server { server_name \(long(4096)); } }\n"),
            AcceptanceCase(name: "quoted word of 4094 bytes", main: "events {}\nhttp { server { server_name \"\(long(4094))\"; } }\n"),
            AcceptanceCase(name: "quoted word of 4095 bytes", main: "events {}\nhttp { server { server_name \"\(long(4095))\"; } }\n"),
            // ngx_lua (Debian's libnginx-mod-http-lua) reads its blocks as Lua: braces in
            // strings, long brackets and comments do not count.
            AcceptanceCase(
                name: "Lua block with braces in strings and comments",
                main: Self.lua + """
                    http { server { listen 127.0.0.1:8083; location /l { content_by_lua_block {
                      local s = "}" -- a } in a comment
                      local t = [[ } ]] --[==[ { ]==]
                      if s ~= '{' then ngx.say(s .. t) end
                    } } location /after { return 204; } } }

                    """),
            AcceptanceCase(name: "Lua block left open", main: Self.lua + "http { server { location /l { content_by_lua_block { ngx.say('}') } } }\n"),
        ]
    }

    func testNginxAndGavelAcceptTheSameConfigurations() throws {
        try nginxOrSkip()
        for c in acceptanceCases {
            let dir = tempDir()
            for (name, text) in c.files {
                try FileManager.default.createDirectory(atPath: dir + "/" + (name as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
            }
            try c.main.write(toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)
            try c.prepare(dir)
            let t = try program(Self.nginx, ["-t", "-q", "-e", dir + "/error.log", "-p", dir, "-c", dir + "/nginx.conf"])
            let r = try gavel(["collect", "nginx", "--asset", "x", "--config", dir + "/nginx.conf"])
            XCTAssertLessThan(r.code, 128, "\(c.name): crashed")
            XCTAssertEqual(r.code == 0, t.code == 0, "\(c.name): nginx -t says \(t.code == 0 ? "ok" : t.err); gavel exit \(r.code): \(r.err)")
            if r.code != 0 { XCTAssertTrue(r.err.contains("error[nginx-"), "\(c.name): \(r.err)") }
        }
    }

    /// The one documented difference: nginx accepts blocks nested thousands deep, Gavel reads
    /// at most 500 levels and says so (it used to crash on them).
    func testDeepNestingIsAClearErrorNotACrash() throws {
        try nginxOrSkip()
        let dir = tempDir()
        let depth = 3000
        try ("events {}\nhttp { server { " + String(repeating: "location / { ", count: depth) + String(repeating: "}", count: depth) + " } }\n")
            .write(toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)
        let t = try program(Self.nginx, ["-t", "-q", "-e", dir + "/error.log", "-p", dir, "-c", dir + "/nginx.conf"])
        XCTAssertEqual(t.code, 0, "nginx accepts it: \(t.err)")
        let r = try gavel(["collect", "nginx", "--asset", "x", "--config", dir + "/nginx.conf"])
        XCTAssertEqual(r.code, 3, r.err)
        XCTAssertTrue(r.err.contains("error[nginx-directive]: blocks nested deeper than 500 levels: nginx accepts them, but Gavel reads at most 500"), r.err)
        // 498 locations in server in http: exactly the limit, read and evaluated end to end.
        try ("events {}\nhttp { server { " + String(repeating: "location / { ", count: 498) + String(repeating: "}", count: 498) + " } }\n")
            .write(toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/s/x", withIntermediateDirectories: true)
        XCTAssertEqual(try gavel(["collect", "nginx", "--asset", "x", "--config", dir + "/nginx.conf", "-o", dir + "/s/x/nginx.json"]).code, 0)
        let e = try gavel(["eval", "--snapshots", dir + "/s", "--fail-on", "none"])
        XCTAssertEqual(e.code, 0, e.err)
    }

    /// nginx refuses a directive no loaded module declares; Gavel, which cannot know which
    /// modules a machine loads, keeps it, lists it and warns.
    func testUnknownDirectivesAreListedAndWarnedOf() throws {
        let dir = tempDir()
        try "events {}\nhttp { server { listen 8080; proxy_passs http://127.0.0.1:9; more_set_headers \"X-A: b\"; } }\n"
            .write(toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)
        let r = try gavel(["collect", "nginx", "--asset", "x", "--config", dir + "/nginx.conf"])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(r.err.contains("\(dir)/nginx.conf:2: warning[nginx-unknown-directive]: unknown directive \"proxy_passs\""), r.err)
        let data = (try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any])["data"] as! [String: Any]
        XCTAssertEqual((data["unknown_directives"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["proxy_passs", "more_set_headers"])
    }

    /// `--binary` parses `nginx -T`'s dump, where a comment in column 0 can look like the
    /// header of the next file.
    func testADumpHeaderLookalikeInAFileIsNotANewFile() throws {
        try nginxOrSkip()
        let dir = tempDir()
        try FileManager.default.createDirectory(atPath: dir + "/sites", withIntermediateDirectories: true)
        try """
        pid \(dir)/nginx.pid;
        error_log \(dir)/error.log;
        events {}
        http {
        # configuration file /x.conf:
          server_tokens off;
          include sites/*.conf;
        }
        """.write(toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)
        try "server {\n# configuration file \(dir)/sites/a.conf:\n  listen 127.0.0.1:8084;\n}\n".write(
            toFile: dir + "/sites/a.conf", atomically: true, encoding: .utf8)
        let r = try gavel(["collect", "nginx", "--asset", "x", "--binary", Self.nginx, "--config", dir + "/nginx.conf"])
        XCTAssertEqual(r.code, 0, r.err)
        let data = (try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any])["data"] as! [String: Any]
        XCTAssertEqual(data["files"] as? [String], [dir + "/nginx.conf", dir + "/sites/a.conf"])
        let servers = try XCTUnwrap(data["servers"] as? [[String: Any]])
        XCTAssertEqual(servers.count, 1)
        XCTAssertEqual(servers.first?["server_tokens"] as? String, "off")
    }

    func testMapEntriesReadThroughAnInclude() throws {
        let dir = tempDir()
        try "events {}\nhttp {\n  map $uri $new { default \"\"; include redirects.map; }\n}\n".write(
            toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)
        try "/old /new;\n".write(toFile: dir + "/redirects.map", atomically: true, encoding: .utf8)
        let r = try gavel(["collect", "nginx", "--asset", "x", "--config", dir + "/nginx.conf"])
        XCTAssertEqual(r.code, 0, r.err)
        let doc = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        let maps = (doc["data"] as! [String: Any])["maps"] as! [[String: Any]]
        XCTAssertEqual(maps.first?["entries"] as? [String: String], ["/old": "/new"], "\(maps)")
    }
}
