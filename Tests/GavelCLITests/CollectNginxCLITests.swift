import Foundation
import XCTest

/// `gavel collect nginx` against Debian's real nginx: a TLS site with a certificate made by
/// openssl, checked by `nginx -t`, collected from the files and from `nginx -T`, and the
/// model's headers compared with what the running nginx actually sends.
extension CLITests {
    static let nginx = "/usr/sbin/nginx"

    func program(_ exe: String, _ args: [String]) throws -> Run {
        try ProgramRunner.run(URL(fileURLWithPath: exe), args)
    }

    /// nginx on `dir/nginx.conf`, in the foreground and without pipes, so the test owns the
    /// process and nothing hangs; the caller terminates it.
    func runNginx(_ dir: String) throws -> Process {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: Self.nginx)
        server.arguments = ["-e", dir + "/error.log", "-c", dir + "/nginx.conf", "-g", "daemon off;"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        return server
    }

    func nginxOrSkip() throws {
        if FileManager.default.isExecutableFile(atPath: Self.nginx) && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") { return }
        if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("nginx and openssl must be installed in CI (.ci/run installs them)") }
        throw XCTSkip("nginx or openssl is not installed")
    }

    /// A site the way people write them: TLS and security headers at server level, one
    /// location that adds its own header (and so loses the server's), an http->https redirect.
    func writeTestSite(_ dir: String, port: Int) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/sites", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir + "/www/downloads", withIntermediateDirectories: true)
        try "hello\n".write(toFile: dir + "/www/index.html", atomically: true, encoding: .utf8)
        try "file\n".write(toFile: dir + "/www/downloads/a.txt", atomically: true, encoding: .utf8)
        try fm.createDirectory(atPath: dir + "/www/if", withIntermediateDirectories: true)
        try "if\n".write(toFile: dir + "/www/if/index.html", atomically: true, encoding: .utf8)
        let cert = try program(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=test.example.com", "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem",
            ])
        XCTAssertEqual(cert.code, 0, cert.err)
        try """
        pid \(dir)/nginx.pid;
        error_log \(dir)/error.log;
        events { worker_connections 64; }
        http {
            access_log \(dir)/access.log;
            server_tokens off;
            client_body_temp_path \(dir)/tmp-body;
            proxy_temp_path \(dir)/tmp-proxy;
            fastcgi_temp_path \(dir)/tmp-fastcgi;
            uwsgi_temp_path \(dir)/tmp-uwsgi;
            scgi_temp_path \(dir)/tmp-scgi;
            include sites/*.conf;
        }
        """.write(toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)
        try """
        server {
            listen 127.0.0.1:\(port) ssl http2;
            server_name test.example.com;
            ssl_certificate \(dir)/cert.pem;
            ssl_certificate_key \(dir)/key.pem;
            ssl_protocols TLSv1.2 TLSv1.3;
            root \(dir)/www;
            add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
            add_header X-Content-Type-Options nosniff always;

            location / { }
            location /downloads/ {
                add_header Cache-Control "no-store";
                autoindex on;
            }
            location /if/ {
                if ($arg_debug) { add_header X-Debug 1; }
            }
        }

        server {
            listen 127.0.0.1:\(port + 1);
            server_name test.example.com;
            return 301 https://$host$request_uri;
        }
        """.write(toFile: dir + "/sites/test.conf", atomically: true, encoding: .utf8)
    }

    func testCollectNginxFromConfigAndBinaryAgreeWithRunningNginx() throws {
        try nginxOrSkip()
        let dir = tempDir()
        let port = 20000 + Int.random(in: 0..<20000)
        try writeTestSite(dir, port: port)
        let t = try program(Self.nginx, ["-t", "-e", dir + "/error.log", "-c", dir + "/nginx.conf"])
        XCTAssertEqual(t.code, 0, "nginx -t: " + t.err)

        let fromConfig = try gavel(["collect", "nginx", "--asset", "test.example.com", "--config", dir + "/nginx.conf", "--nginx-version", "1.22.1"])
        XCTAssertEqual(fromConfig.code, 0, fromConfig.err)
        let fromBinary = try gavel(["collect", "nginx", "--asset", "test.example.com", "--binary", Self.nginx, "--config", dir + "/nginx.conf"])
        XCTAssertEqual(fromBinary.code, 0, fromBinary.err)

        for (label, run) in [("config", fromConfig), ("binary", fromBinary)] {
            let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any], label)
            let data = try XCTUnwrap(doc["data"] as? [String: Any])
            XCTAssertEqual(data["source"] as? String, label)
            XCTAssertEqual(data["files"] as? [String], [dir + "/nginx.conf", dir + "/sites/test.conf"], label)
            let servers = try XCTUnwrap(data["servers"] as? [[String: Any]])
            XCTAssertEqual(servers.count, 2)
            let tls = servers[0]
            XCTAssertEqual(tls["ssl"] as? Bool, true)
            XCTAssertEqual(tls["http2"] as? Bool, true)
            XCTAssertEqual(tls["ssl_protocols"] as? [String], ["TLSv1.2", "TLSv1.3"])
            XCTAssertEqual(tls["server_tokens"] as? String, "off")
            XCTAssertEqual((tls["headers"] as? [String: Any]).map { Set($0.keys) }, ["strict-transport-security", "x-content-type-options"])
            let locations = try XCTUnwrap(tls["locations"] as? [[String: Any]])
            XCTAssertEqual((locations[1]["headers"] as? [String: Any]).map { Set($0.keys) }, ["cache-control"], label)
            XCTAssertEqual(locations[1]["autoindex"] as? Bool, true)
            // An if with its own add_header: its requests get only the if's headers.
            XCTAssertEqual((locations[2]["headers"] as? [String: Any]).map { Set($0.keys) }, ["strict-transport-security", "x-content-type-options"], label)
            let ifs = try XCTUnwrap(locations[2]["ifs"] as? [[String: Any]], label)
            XCTAssertEqual(ifs.first?["condition"] as? String, "($arg_debug)")
            XCTAssertEqual((ifs.first?["headers"] as? [String: Any]).map { Set($0.keys) }, ["x-debug"], label)
            XCTAssertEqual(servers[1]["redirects_to_https"] as? Bool, true)
            let prov = try XCTUnwrap(doc["provenance"] as? [String: String])
            XCTAssertEqual(prov["/servers/0/headers/strict-transport-security"], dir + "/sites/test.conf:8", label)
            XCTAssertEqual(prov["/servers/0/server_tokens"], dir + "/nginx.conf:6", label)
        }
        XCTAssertTrue(fromBinary.out.contains(#""version": "1.22"#) || fromBinary.out.contains(#""version": "1."#), "nginx -v reports the version")

        // The running nginx sends what the model says: the location with its own add_header
        // loses HSTS; the plain-HTTP server redirects to https.
        // In the foreground and without pipes, so the test owns the process and nothing hangs.
        let server = try runNginx(dir)
        defer { server.terminate(); server.waitUntilExit() }
        func headers(_ url: String) throws -> String {
            var last = Run(code: 1, out: "", err: "")
            for _ in 0..<50 {
                last = try program(
                    "/usr/bin/curl",
                    [
                        "-k", "-s", "-o", "/dev/null", "-D", "-", "--resolve", "test.example.com:\(port):127.0.0.1",
                        "--resolve", "test.example.com:\(port + 1):127.0.0.1", url,
                    ])
                if last.code == 0 { return last.out.lowercased() }
                usleep(100_000)
            }
            XCTFail("curl \(url): \(last.err)")
            return ""
        }
        let root = try headers("https://test.example.com:\(port)/")
        XCTAssertTrue(root.contains("strict-transport-security: max-age=63072000"), root)
        XCTAssertTrue(root.contains("x-content-type-options: nosniff"), root)
        let downloads = try headers("https://test.example.com:\(port)/downloads/")
        XCTAssertTrue(downloads.contains("cache-control: no-store"), downloads)
        XCTAssertFalse(downloads.contains("strict-transport-security"), downloads)
        XCTAssertFalse(root.contains("server: nginx/"), "server_tokens off hides the version")
        let plainIf = try headers("https://test.example.com:\(port)/if/")
        XCTAssertTrue(plainIf.contains("strict-transport-security: max-age=63072000"), plainIf)
        XCTAssertFalse(plainIf.contains("x-debug"), plainIf)
        let enteredIf = try headers("https://test.example.com:\(port)/if/?debug=1")
        XCTAssertTrue(enteredIf.contains("x-debug: 1"), enteredIf)
        XCTAssertFalse(enteredIf.contains("strict-transport-security"), "as the model says, the if's add_header dropped HSTS: \(enteredIf)")
        let http = try headers("http://test.example.com:\(port + 1)/x")
        XCTAssertTrue(http.contains("location: https://test.example.com/x"), http)
    }

    /// nginx itself rejects the same broken files and names the same file and line.
    func testNginxErrorsAgreeWithNginxT() throws {
        try nginxOrSkip()
        let cases: [(body: String, id: String, nginxLine: Int, ourLine: Int)] = [
            ("http {\n  server_tokens off\n  autoindex on;\n}\n", "nginx-directive", 3, 2),  // nginx reports where the ";" is
            ("http {\n  server_tokens off\n}\n", "nginx-syntax", 3, 3),
            ("http {\n  server {\n    listen 8080;\n  }\n", "nginx-syntax", 5, 5),
            ("http {\n}\n}\n", "nginx-syntax", 3, 3),
            ("http {\n  add_header X-A \"open;\n}\n", "nginx-syntax", 4, 2),
            ("http {\n  include missing.conf;\n}\n", "nginx-include", 2, 2),
        ]
        for c in cases {
            let dir = tempDir()
            try ("events {}\n" + c.body).write(toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)
            let t = try program(Self.nginx, ["-t", "-e", dir + "/error.log", "-c", dir + "/nginx.conf"])
            XCTAssertNotEqual(t.code, 0, c.body)
            XCTAssertTrue(t.err.contains("in \(dir)/nginx.conf:\(c.nginxLine + 1)"), "nginx: " + t.err)
            let r = try gavel(["collect", "nginx", "--asset", "x", "--config", dir + "/nginx.conf"])
            XCTAssertEqual(r.code, 3, c.body)
            XCTAssertTrue(r.err.contains("\(dir)/nginx.conf:\(c.ourLine + 1)"), r.err)
            XCTAssertTrue(r.err.contains("error[\(c.id)]"), r.err)
            let viaBinary = try gavel(["collect", "nginx", "--asset", "x", "--binary", Self.nginx, "--config", dir + "/nginx.conf"])
            XCTAssertEqual(viaBinary.code, 3)
            XCTAssertTrue(viaBinary.err.contains("error[nginx-test-failed]"), viaBinary.err)
        }
    }
}
