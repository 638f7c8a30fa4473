import Foundation
import XCTest

@testable import GavelCollectors

/// The proxy a Shopify request goes through, read from the environment as libcurl reads it.
final class ProxySettingsTests: XCTestCase {
    let store = URL(string: "https://shop.myshopify.com/admin/api/2026-10/graphql.json")!

    func testHTTPSProxyInEitherCaseAndAllProxy() {
        XCTAssertEqual(
            ProxySettings.forURL(store, environment: ["HTTPS_PROXY": "http://proxy.corp:3128"]),
            ProxySettings(host: "proxy.corp", port: 3128, variable: "HTTPS_PROXY"))
        XCTAssertEqual(
            ProxySettings.forURL(store, environment: ["https_proxy": "proxy.corp:8080", "HTTPS_PROXY": "other:1"])?.host, "proxy.corp",
            "lower case first, as curl")
        XCTAssertEqual(ProxySettings.forURL(store, environment: ["ALL_PROXY": "socks.corp"])?.port, 1080, "curl's default proxy port")
        XCTAssertEqual(ProxySettings.forURL(store, environment: ["https_proxy": "http://user:pw@proxy.corp:3128"])?.host, "proxy.corp")
        XCTAssertNil(ProxySettings.forURL(store, environment: ["http_proxy": "proxy.corp:3128"]), "http_proxy is for http only")
        XCTAssertNil(ProxySettings.forURL(store, environment: [:]))
        let http = URL(string: "http://127.0.0.1:8080/x")!
        XCTAssertEqual(ProxySettings.forURL(http, environment: ["http_proxy": "127.0.0.1:3128"])?.port, 3128)
        XCTAssertNil(ProxySettings.forURL(http, environment: ["HTTP_PROXY": "127.0.0.1:3128"]), "curl ignores upper-case HTTP_PROXY")
    }

    func testNoProxy() {
        let env = ["https_proxy": "proxy.corp:3128"]
        for list in ["*", "myshopify.com", ".myshopify.com", "shop.myshopify.com", "example.com, myshopify.com", "MYSHOPIFY.COM:443"] {
            XCTAssertNil(ProxySettings.forURL(store, environment: env.merging(["no_proxy": list]) { $1 }), list)
        }
        for list in ["example.com", "shopify.com", "hop.myshopify.com", ""] {
            XCTAssertNotNil(ProxySettings.forURL(store, environment: env.merging(["NO_PROXY": list]) { $1 }), list)
        }
        XCTAssertNil(ProxySettings.forURL(URL(string: "https://127.0.0.1:9/")!, environment: env.merging(["no_proxy": "localhost,127.0.0.1"]) { $1 }))
    }
}
