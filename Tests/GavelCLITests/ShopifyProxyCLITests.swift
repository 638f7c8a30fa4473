import Foundation
import XCTest

/// `gavel collect shopify` through a real proxy on loopback (Debian's tinyproxy): company
/// networks reach the Admin API only through one.
final class TinyProxy {
    let process = Process()
    let port: Int
    let logPath: String

    init(port: Int) throws {
        let exe = "/usr/bin/tinyproxy"
        guard FileManager.default.isExecutableFile(atPath: exe) else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("tinyproxy must be installed in CI (setup.sh installs it)") }
            throw XCTSkip("tinyproxy is not installed")
        }
        let dir = NSTemporaryDirectory() + "gavel-proxy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        logPath = dir + "/proxy.log"
        self.port = port
        try """
        Port \(port)
        Listen 127.0.0.1
        Timeout 10
        LogFile "\(logPath)"
        LogLevel Connect
        MaxClients 8
        Allow 127.0.0.1
        """.write(toFile: dir + "/tinyproxy.conf", atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: exe)
        process.arguments = ["-d", "-c", dir + "/tinyproxy.conf"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<100 where !log.contains("listening") && !log.contains("Listening") { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 0.1)
    }

    deinit { if process.isRunning { process.terminate(); process.waitUntilExit() } }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
}

extension CLITests {
    private func freePort() -> Int { 20000 + Int(getpid() % 20000) + Int.random(in: 0..<5000) }

    func testShopifyThroughAnHTTPProxyAndNoProxy() throws {
        let server = try ShopifyTestServer()
        let proxy = try TinyProxy(port: freePort())
        let args = ["collect", "shopify", "--asset", "n", "--shop", "northwind-telehealth.myshopify.com", "--endpoint", server.endpoint]
        var r = try gavel(args, env: ["SHOPIFY_ADMIN_TOKEN": ShopifyTestServer.token, "http_proxy": "http://127.0.0.1:\(proxy.port)"])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(proxy.log.contains("127.0.0.1"), "the requests went through the proxy: \(proxy.log)")
        XCTAssertFalse(server.requests.isEmpty)

        // A proxy that is down: the probe says so, naming the variable (not its value).
        r = try gavel(args, env: ["SHOPIFY_ADMIN_TOKEN": ShopifyTestServer.token, "http_proxy": "http://user:pw-not-shown@127.0.0.1:1"])
        XCTAssertEqual(r.code, 3, r.err)
        XCTAssertTrue(r.err.contains("error[shopify-connect]: the proxy from http_proxy: cannot connect to 127.0.0.1:1"), r.err)
        XCTAssertFalse(r.err.contains("pw-not-shown"), r.err)

        // no_proxy takes the store off the proxy: the dead proxy no longer matters.
        r = try gavel(args, env: ["SHOPIFY_ADMIN_TOKEN": ShopifyTestServer.token, "http_proxy": "http://127.0.0.1:1", "no_proxy": "127.0.0.1"])
        XCTAssertEqual(r.code, 0, r.err)
    }

    func testShopifyOverHTTPSGoesThroughHTTPSProxy() throws {
        // The store answers plain http, so TLS inside the tunnel fails: what counts is that the
        // tunnel was asked of the proxy (CONNECT), not opened to the store directly.
        let server = try ShopifyTestServer()
        let proxy = try TinyProxy(port: freePort())
        let r = try gavel(
            [
                "collect", "shopify", "--asset", "n", "--shop", "northwind-telehealth.myshopify.com", "--endpoint", "https://127.0.0.1:\(server.port)",
                "--timeout", "20",
            ],
            env: ["SHOPIFY_ADMIN_TOKEN": ShopifyTestServer.token, "HTTPS_PROXY": "http://127.0.0.1:\(proxy.port)"])
        XCTAssertEqual(r.code, 3, r.err)
        XCTAssertTrue(proxy.log.contains("CONNECT") && proxy.log.contains(":\(server.port)"), "a CONNECT to the store: \(proxy.log)")
        XCTAssertFalse(r.err.contains("error[shopify-connect]"), "the probe reached the proxy: \(r.err)")
        XCTAssertFalse(r.err.contains("CONNECT tunnel failed"), "the proxy opened the tunnel: \(r.err)")
    }
}
