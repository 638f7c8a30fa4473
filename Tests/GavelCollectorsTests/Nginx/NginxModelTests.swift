import GavelCore
import XCTest

@testable import GavelCollectors

/// The derived model against nginx's documented behaviour: add_header, allow/deny and
/// fastcgi_param are inherited only by levels that set none of their own; TLS settings come
/// from http unless the server sets them; defaults depend on the version.
final class NginxModelTests: XCTestCase {
    func servers(_ conf: String, version: String? = "1.22.1", extra: [String: String] = [:]) throws -> (servers: [Value], provenance: Value) {
        let tree = try readNginx(extra.merging(["/etc/nginx/nginx.conf": conf]) { a, _ in a })
        var b = SnapshotBuilder(asset: "t", kind: "nginx")
        var model = NginxModel(defaults: NginxDefaults(version: version))
        let (s, _) = model.build(tree, into: &b)
        return (s.arrayValue ?? [], b.document(data: .null)["provenance"] ?? .null)
    }

    func testAddHeaderInLocationDropsInheritedHeaders() throws {
        let (s, prov) = try servers(
            """
            http {
                add_header X-Http-Level 1;
                server {
                    listen 443 ssl http2;
                    add_header Strict-Transport-Security "max-age=63072000" always;
                    add_header X-Content-Type-Options nosniff;
                    location / { }
                    location /api/ {
                        add_header Cache-Control no-store;
                    }
                }
            }
            """)
        let server = s[0]
        let headers = try XCTUnwrap(server["headers"]?.objectMembers)
        XCTAssertEqual(headers.map(\.key), ["strict-transport-security", "x-content-type-options"], "the server's own add_header drops the http-level one")
        XCTAssertEqual(server["headers"]?["strict-transport-security"]?["always"], true)
        XCTAssertEqual(server["headers"]?["x-content-type-options"]?["always"], false)
        XCTAssertEqual(server["headers_from"], "server")
        let locations = try XCTUnwrap(server["locations"]?.arrayValue)
        XCTAssertEqual(locations[0]["headers"]?.objectMembers?.map(\.key), ["strict-transport-security", "x-content-type-options"])
        XCTAssertEqual(locations[1]["headers"]?.objectMembers?.map(\.key), ["cache-control"], "one add_header in the location drops all inherited")
        XCTAssertEqual(locations[1]["headers_from"], "location")
        XCTAssertEqual(prov["/servers/0/headers/strict-transport-security"], "/etc/nginx/nginx.conf:5")
        XCTAssertEqual(prov["/servers/0/locations/1/headers/cache-control"], "/etc/nginx/nginx.conf:9")
    }

    func testListenTLSAndDefaultsByVersion() throws {
        let conf = """
            http {
                ssl_protocols TLSv1.2 TLSv1.3;
                server {
                    listen [::]:443 ssl http2 default_server;
                    listen 127.0.0.1:8443 ssl;
                    ssl_certificate /etc/ssl/a.pem;
                    ssl_certificate_key /etc/ssl/a.key;
                    ssl_session_tickets off;
                }
                server { server_name plain.example.com; }
            }
            """
        let (s, prov) = try servers(conf)
        let listen = try XCTUnwrap(s[0]["listen"]?.arrayValue)
        XCTAssertEqual(listen[0]["address"], "[::]")
        XCTAssertEqual(listen[0]["port"], 443)
        XCTAssertEqual(listen[0]["default_server"], true)
        XCTAssertEqual(listen[1]["address"], "127.0.0.1")
        XCTAssertEqual(listen[1]["port"], 8443)
        XCTAssertEqual(s[0]["ssl"], true)
        XCTAssertEqual(s[0]["http2"], true)
        XCTAssertEqual(s[0]["ssl_protocols"], .array(["TLSv1.2", "TLSv1.3"]))
        XCTAssertEqual(prov["/servers/0/ssl_protocols"], "/etc/nginx/nginx.conf:2")
        XCTAssertEqual(s[0]["ssl_session_tickets"], false)
        XCTAssertEqual(s[0]["ssl_certificates"]?.arrayValue?.first?["key"], "/etc/ssl/a.key")
        XCTAssertEqual(s[1]["listen"]?.arrayValue?.first?["implicit"], true)
        XCTAssertEqual(s[1]["ssl"], false)
        // Without ssl_protocols, the default depends on the version (TLSv1/1.1 dropped in 1.23.4).
        let bare = "http { server { listen 443 ssl; } }"
        XCTAssertEqual(try servers(bare, version: "1.22.1").servers[0]["ssl_protocols"], .array(["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]))
        XCTAssertEqual(try servers(bare, version: "1.24.0").servers[0]["ssl_protocols"], .array(["TLSv1.2", "TLSv1.3"]))
        XCTAssertTrue(try servers(bare).servers[0]["defaults"]?.arrayValue?.contains("ssl_protocols") == true)
    }

    func testSettingsInheritFromHttpAndLocationsOverride() throws {
        let (s, _) = try servers(
            """
            http {
                server_tokens off;
                client_max_body_size 20m;
                allow 10.0.0.0/8;
                deny all;
                server {
                    location / { autoindex on; }
                    location /public/ { allow all; }
                    location ~ \\.php$ {
                        fastcgi_pass unix:/run/php/php8.2-fpm.sock;
                        fastcgi_param PHP_VALUE "upload_max_filesize=64M\\npost_max_size=64M";
                        fastcgi_param PHP_ADMIN_VALUE "expose_php=Off";
                        location ~ /nested { server_tokens on; }
                    }
                }
            }
            """)
        let server = s[0]
        XCTAssertEqual(server["server_tokens"], "off")
        XCTAssertEqual(server["client_max_body_size_bytes"], .int(20 * 1024 * 1024))
        XCTAssertEqual(server["access"]?.arrayValue?.map { $0["action"]! }, ["allow", "deny"])
        let loc = try XCTUnwrap(server["locations"]?.arrayValue)
        XCTAssertEqual(loc.count, 4)
        XCTAssertEqual(loc[0]["autoindex"], true)
        XCTAssertEqual(loc[1]["access"]?.arrayValue?.map { $0["address"]! }, ["all"], "allow/deny replace, not add")
        XCTAssertEqual(loc[2]["modifier"], "~")
        XCTAssertEqual(loc[2]["path"], "\\.php$")
        XCTAssertEqual(loc[2]["fastcgi_pass"], "unix:/run/php/php8.2-fpm.sock")
        XCTAssertEqual(loc[2]["php_values"]?["post_max_size"]?["value"], "64M")
        XCTAssertEqual(loc[2]["php_values"]?["expose_php"]?["admin"], true)
        XCTAssertEqual(loc[3]["parent"], 2)
        XCTAssertEqual(loc[3]["server_tokens"], "on")
        XCTAssertEqual(loc[3]["fastcgi_pass"], "unix:/run/php/php8.2-fpm.sock", "a nested location inherits from its parent")
        XCTAssertEqual(loc[0]["server_tokens"], "off")
        XCTAssertFalse(loc[0]["defaults"]?.arrayValue?.contains("server_tokens") ?? true)
    }

    func testRedirectsToHTTPS() throws {
        let cases: [(String, Bool)] = [
            ("return 301 https://$host$request_uri;", true),
            ("return https://example.com;", true),
            ("if ($scheme = http) { return 308 https://$host$request_uri; }", true),
            ("location / { return 302 https://example.com$request_uri; }", true),
            ("rewrite ^ https://example.com$request_uri permanent;", true),
            ("return 301 http://example.com;", false),
            ("return 200 'https://not-a-redirect';", false),
            ("location /x/ { return 301 https://example.com; }", false),
            ("", false),
        ]
        for (body, expected) in cases {
            let (s, _) = try servers("http { server { listen 80; \(body) } }")
            XCTAssertEqual(s[0]["redirects_to_https"], .bool(expected), body)
        }
        let (s, _) = try servers("http { server { return 301 https://$host$request_uri; } }")
        XCTAssertEqual(s[0]["return"]?["code"], 301)
        XCTAssertEqual(s[0]["return"]?["dynamic"], true)
    }

    func testVariablesAreRecordedNotGuessed() throws {
        let (s, _) = try servers(
            """
            http {
                map $scheme $hsts { https "max-age=63072000"; default ""; }
                server { add_header Strict-Transport-Security $hsts always; }
            }
            """)
        XCTAssertEqual(s[0]["headers"]?["strict-transport-security"]?["value"], "$hsts")
        XCTAssertEqual(s[0]["headers"]?["strict-transport-security"]?["dynamic"], true)
        XCTAssertEqual(s[0]["dynamic"], .array(["headers.strict-transport-security"]))
    }

    func testAccessLogOffAndDuplicateHeaders() throws {
        let (s, _) = try servers("http { access_log /var/log/a.log main; server { location / { access_log off; } add_header X-A 1; add_header x-a 2; } }")
        XCTAssertEqual(s[0]["access_log"]?.arrayValue?.first?["format"], "main")
        let loc = try XCTUnwrap(s[0]["locations"]?.arrayValue?.first)
        XCTAssertEqual(loc["access_log_off"], true)
        XCTAssertEqual(loc["access_log"], .array([]))
        XCTAssertEqual(s[0]["headers"]?["x-a"]?["count"], 2)
        XCTAssertEqual(s[0]["headers"]?["x-a"]?["value"], "1")
    }

    func testSizes() {
        XCTAssertEqual(NginxSize.bytes("0"), 0)
        XCTAssertEqual(NginxSize.bytes("512k"), 512 * 1024)
        XCTAssertEqual(NginxSize.bytes("2G"), 2 * 1024 * 1024 * 1024)
        XCTAssertNil(NginxSize.bytes("1x"))
        XCTAssertNil(NginxSize.bytes(""))
    }
}
