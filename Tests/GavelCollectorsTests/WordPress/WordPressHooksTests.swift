import GavelCore
import XCTest

@testable import GavelCollectors

/// The hooks of must-use plugins, read from source: names, literal callbacks, and the
/// constant a closure returns.
final class WordPressHooksTests: XCTestCase {
    func hooks(_ php: String) throws -> [Value] {
        var lexer = PHPLexer([UInt8](php.utf8))
        return WordPressHooks.hooks(try lexer.tokens(), file: "/mu.php")
    }

    func testConstantReturns() throws {
        let h = try hooks(
            """
            <?php
            add_filter('auth_cookie_expiration', function ($ttl, $user, $remember) { return 8 * HOUR_IN_SECONDS; }, 10, 3);
            add_filter('auth_cookie_expiration', fn() => 1800);
            add_filter("auth_cookie_expiration", static function () { return 2 * DAY_IN_SECONDS; });
            add_filter('auth_cookie_expiration', function ($t) { return $t / 2; });
            add_filter('auth_cookie_expiration', function () { if (is_admin()) { return 60; } return 3600; });
            add_filter('auth_cookie_expiration', 'my_lifetime');
            add_filter('auth_cookie_expiration', fn() => SOME_OTHER_CONSTANT);
            $o->add_filter('auth_cookie_expiration', fn() => 1);
            """)
        XCTAssertEqual(h.count, 7, "the method call on an object is not WordPress's")
        XCTAssertEqual(h.map { $0["returns"] }, [28_800, 1800, 172_800, .null, .null, .null, .null])
        XCTAssertEqual(h[5]["callback"], "my_lifetime")
        XCTAssertEqual(h[0]["line"], 2)
    }

    func testSessionTakesTheLastFilterOrWordPressDefault() throws {
        XCTAssertEqual(WordPressHooks.session([])["login_lifetime_seconds"], 1_209_600)
        let s = WordPressHooks.session(
            try hooks("<?php\nadd_filter('auth_cookie_expiration', fn() => 3600);\nadd_filter('auth_cookie_expiration', fn() => 7200);\n"))
        XCTAssertEqual(s["login_lifetime_seconds"], 7200)
        XCTAssertEqual(s["from"], "auth_cookie_expiration filter at /mu.php:3")
        let unknown = WordPressHooks.session(try hooks("<?php\nadd_filter('auth_cookie_expiration', 'f');\n"))
        XCTAssertEqual(unknown["login_lifetime_seconds"], .null, "a filter whose value is not readable is unknown, not the default")
    }
}
