import GavelCore
import XCTest

@testable import GavelCollectors

final class PHPSourceReaderTests: XCTestCase {
    func read(_ s: String) throws -> PHPSourceReader { try PHPSourceReader.read(Array(s.utf8), file: "/site/wp-config.php") }

    func testNonStaticValuesAreExpressionsNotGuesses() throws {
        let r = try read(
            """
            <?php
            define('WP_HOME', 'https://' . $_SERVER['HTTP_HOST']);
            define('DEBUG', getenv('DEBUG') ?: false);
            define('PATH', dirname(__FILE__) . '/x');
            define('SAME', OTHER_CONSTANT);
            return [\\PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT => false, 'mode' => $mode ?? 'default', 'obj' => new Foo(1, 2)];
            """)
        XCTAssertEqual(
            r.defines.map(\.value),
            [
                .expression("'https://' . $_SERVER['HTTP_HOST']"), .expression("getenv('DEBUG') ?: false"),
                .expression("dirname(__FILE__) . '/x'"), .expression("OTHER_CONSTANT"),
            ])
        guard case .array(let items)? = r.returned else { return XCTFail("no array") }
        XCTAssertEqual(items[0].key, .expression("\\PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT"))
        XCTAssertEqual(items[0].value, .bool(false))
        XCTAssertEqual(items[1].value, .expression("$mode ?? 'default'"))
        XCTAssertEqual(items[2].value, .expression("new Foo(1, 2)"))
    }

    func testStatementsItSkipsAndTagsAroundCode() throws {
        let r = try read(
            """
            #!/usr/bin/env php
            Some text before the tag.
            <?php
            require_once __DIR__ . '/wp-settings.php';
            function f($x) { if ($x) { return ';'; } return '}'; }
            class C { const A = 1; public function g() { return [1, 2]; } }
            $after = 'read';
            ?>
            <p>html</p>
            <?php define('LATE', 1) ?>
            """)
        XCTAssertEqual(r.assignments.map(\.name), ["after"])
        XCTAssertEqual(r.defines.map(\.name), ["LATE"], "a class constant is not a global define")
        XCTAssertEqual(r.defines.first?.line, 10)
        XCTAssertNil(r.returned)
    }

    func testSyntaxErrorsHaveFileLineColumn() {
        func error(_ s: String) -> String? {
            do { _ = try read(s); return nil } catch let e as Diagnostic { return "\(e.id) \(e.location?.description ?? "")" } catch { return "\(error)" }
        }
        XCTAssertEqual(error("<?php\ndefine('A', 'unterminated);\n"), "php-source-syntax /site/wp-config.php:2:13")
        XCTAssertEqual(error("<?php\ndefine('A' 1);\n"), "php-source-syntax /site/wp-config.php:2:12")
        XCTAssertEqual(error("<?php\n$a = [1, 2;\n"), "php-source-syntax /site/wp-config.php:2:11")
        XCTAssertEqual(error("<?php\n/* never closed\n"), "php-source-syntax /site/wp-config.php:2:1")
        XCTAssertEqual(error("<?php\n$x = <<<EOT\nbody\n"), "php-source-syntax /site/wp-config.php:2:6")
    }

    func testConditionalDefinesAreMarked() throws {
        let r = try read("<?php if (!defined('ABSPATH')) { define('ABSPATH', '/var/www/'); } define('X', ABSPATH . 'x');")
        XCTAssertEqual(r.defines.map(\.conditional), [true, false])
        XCTAssertEqual(r.defines[1].value, .string("/var/www/x"), "a constant the file defined is resolved")
    }

    /// Keys as `php -r 'var_dump([1e30 => 1, ...]);'` (PHP 8.2, 64-bit) gives them; a float
    /// key out of Int64's range once trapped the reader.
    func testFloatKeysBecomeIntegersAsInPHP() throws {
        let r = try read("<?php return [1e30 => 'a', 1.7 => 'b', -1e19 => 'c', 9.2233720368547758E+18 => 'd', -2.5 => 'e'];")
        guard case .array(let items)? = r.returned else { return XCTFail("no array") }
        XCTAssertEqual(items.map(\.key), [.int(5076964154930102272), .int(1), .int(8446744073709551616), .int(Int64.min), .int(-2)])
    }

    /// PHP: "Cannot add element to the array as the next element is already occupied". The
    /// next index after PHP_INT_MAX once overflowed and trapped the reader.
    func testNoIndexAfterTheLargestInteger() throws {
        let r = try read("<?php return [9223372036854775806 => 'a', 'b'];")
        guard case .array(let items)? = r.returned else { return XCTFail("no array") }
        XCTAssertEqual(items.map(\.key), [.int(Int64.max - 1), .int(Int64.max)])
        for text in ["<?php return [9223372036854775807 => 'a', 'b'];", "<?php return [9223372036854775806 => 'a', 'b', 'c'];"] {
            XCTAssertThrowsError(try read(text)) { e in
                XCTAssertTrue("\(e)".contains("wp-config.php:1:"), "\(e)")
                XCTAssertTrue("\(e)".contains("PHP_INT_MAX"), "\(e)")
            }
        }
    }

    /// `php -l` says "Invalid UTF-8 codepoint escape sequence: Codepoint too large"; a long
    /// run of hex digits once overflowed the reader.
    func testCodepointTooLargeIsASyntaxError() throws {
        for text in ["<?php $a = \"\\u{110000}\";", "<?php $a = \"\\u{FFFFFFFFFFFFFFFFFFFFFFFFFFFFFF}\";"] {
            XCTAssertThrowsError(try read(text)) { e in
                XCTAssertTrue("\(e)".contains("wp-config.php:1:13: error[php-source-syntax]: invalid UTF-8 codepoint escape sequence"), "\(e)")
            }
        }
        XCTAssertEqual(try read("<?php $a = \"\\u{10FFFF}\";").assignments.first?.value, .string("\u{10FFFF}"))
    }

    func testRandomInputNeverTraps() {
        var state: UInt64 = 7
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        let pieces = [
            "<?php", "define", "(", ")", "'a'", "\"b$x\"", ",", ";", "[", "]", "=>", "array", "$v", "=", ".", "1", "0x", "1e", "9223372036854775807", "1e30",
            "\"\\u{FFFFFFFFFFFFFFFFFFFF}\"", "<<<E\n", "\nE", "/*", "*/", "//", "\n", "{", "}", "if", "!", "?", ":", "return", "const", "\\",
        ]
        for _ in 0..<3000 {
            let text = (0..<(next() % 30)).map { _ in pieces[next() % pieces.count] }.joined(separator: " ")
            _ = try? PHPSourceReader.read(Array(text.utf8), file: "r.php")
        }
    }
}
