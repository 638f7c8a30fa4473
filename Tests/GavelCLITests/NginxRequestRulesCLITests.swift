import Foundation
import XCTest

/// The request-handling rules (alias traversal, Host spoofing, SSRF, response splitting,
/// referers, multi-line headers, CORS, allow lists, headers lost in nested blocks) on a
/// configuration Debian's nginx accepts: collected, judged, fixed, judged again; and the alias
/// traversal shown on the running nginx, so the rule is about what nginx does.
extension CLITests {
    static let requestRules = [
        "NGX-ALIAS-001", "NGX-HOST-001", "NGX-SSRF-001", "NGX-SPLIT-001", "NGX-REFERER-001", "NGX-HDR-002", "NGX-CORS-001", "NGX-ALLOW-001",
        "NGX-HDR-003",
    ]

    func writeRequestSite(_ dir: String, port: Int, fixed: Bool) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/data/files", withIntermediateDirectories: true)
        try "public\n".write(toFile: dir + "/data/files/a.txt", atomically: true, encoding: .utf8)
        try "not for the web\n".write(toFile: dir + "/data/secret.txt", atomically: true, encoding: .utf8)
        let cert = try program(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=clinic.example.com", "-keyout", dir + "/key.pem", "-out",
                dir + "/cert.pem",
            ])
        XCTAssertEqual(cert.code, 0, cert.err)
        let slash = fixed ? "/" : ""
        let cspValue = fixed ? "default-src 'self'; img-src 'self'" : "default-src 'self';\n            img-src 'self'"
        try """
        pid \(dir)/nginx.pid;
        error_log \(dir)/error.log;
        events { worker_connections 64; }
        http {
            access_log \(dir)/access.log;
            client_body_temp_path \(dir)/tmp-body;
            proxy_temp_path \(dir)/tmp-proxy;
            fastcgi_temp_path \(dir)/tmp-fastcgi;
            uwsgi_temp_path \(dir)/tmp-uwsgi;
            scgi_temp_path \(dir)/tmp-scgi;
            map $http_origin $cors_origin {
                default "";
                "\(fixed ? "~^https://clinic\\.example\\.com$" : "~https://clinic.example.com")" $http_origin;
            }
            server {
                listen 127.0.0.1:\(port) ssl;
                server_name clinic.example.com;
                ssl_certificate \(dir)/cert.pem;
                ssl_certificate_key \(dir)/key.pem;
                add_header X-Frame-Options SAMEORIGIN always;
                add_header X-Content-Type-Options nosniff always;
                add_header Content-Security-Policy "\(cspValue)" always;
                add_header Access-Control-Allow-Origin \(fixed ? "$cors_origin" : "$http_origin") always;
                \(fixed ? "" : "add_header X-Original-Path $uri;")
                valid_referers \(fixed ? "" : "none ")server_names;
                location /files\(slash) {
                    alias \(dir)/data/files/;
                }
                location /admin/ {
                    allow 127.0.0.1;
                    \(fixed ? "deny all;" : "")
                    proxy_set_header Host \(fixed ? "$host" : "$http_host");
                    proxy_pass http://127.0.0.1:\(port + 1);
                }
                location ~ ^/fetch/(.*)$ {
                    \(fixed ? "add_header X-Frame-Options DENY always; add_header X-Content-Type-Options nosniff always;" : "add_header Cache-Control no-store;")
                    proxy_pass http://\(fixed ? "127.0.0.1:\(port + 1)/$1" : "$1");
                }
                location /old/ {
                    return 301 \(fixed ? "https://$host$request_uri" : "https://$http_host$uri");
                }
            }
        }
        """.write(toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)
    }

    func testRequestRulesFailOnTheMisconfigurationAndPassOnItsFix() throws {
        try nginxOrSkip()
        var got: [Bool: [String: String]] = [:]
        for fixed in [false, true] {
            let dir = tempDir()
            let port = 20000 + Int.random(in: 0..<20000)
            try writeRequestSite(dir, port: port, fixed: fixed)
            let t = try program(Self.nginx, ["-t", "-e", dir + "/error.log", "-c", dir + "/nginx.conf"])
            XCTAssertEqual(t.code, 0, "nginx -t: " + t.err)
            let c = try gavel(["collect", "nginx", "--asset", "clinic", "--config", dir + "/nginx.conf", "-o", dir + "/nginx.json"])
            XCTAssertEqual(c.code, 0, c.err)
            let data = try XCTUnwrap(jsonObject(dir + "/nginx.json")["data"] as? [String: Any])
            let locations = try XCTUnwrap(((data["servers"] as? [[String: Any]])?.first)?["locations"] as? [[String: Any]])
            XCTAssertEqual(locations[0]["alias"] as? String, dir + "/data/files/")
            XCTAssertEqual((locations[1]["proxy_set_header"] as? [String: [String: Any]])?["host"]?["value"] as? String, fixed ? "$host" : "$http_host")
            XCTAssertEqual(locations[2]["proxy_pass"] as? String, fixed ? "http://127.0.0.1:\(port + 1)/$1" : "http://$1")
            got[fixed] = try verdicts(dir, dir + "/nginx.json")

            if !fixed {
                // What NGX-ALIAS-001 is about, on the running nginx: `/files../secret.txt`
                // is served from the alias's parent.
                let server = try runNginx(dir)
                defer { server.terminate(); server.waitUntilExit() }
                var body = ""
                for _ in 0..<50 {
                    let r = try program("/usr/bin/curl", ["-k", "-s", "--path-as-is", "https://127.0.0.1:\(port)/files../secret.txt"])
                    if r.code == 0 {
                        body = r.out
                        break
                    }
                    usleep(100_000)
                }
                XCTAssertEqual(body, "not for the web\n", "nginx serves the file beside the alias")
            }
        }
        for rule in Self.requestRules {
            XCTAssertEqual(got[false]?[rule], "fail", rule)
            XCTAssertEqual(got[true]?[rule], "pass", rule)
        }
    }
}
