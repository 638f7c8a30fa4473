import XCTest

@testable import GavelFix

/// env.php edits: a value replaced in place; the missing part of a path added as nested
/// arrays after the last element of the deepest array that exists, in either array syntax,
/// with or without a trailing comma, in the file's indentation and line ends.
final class MagentoEnvEditTests: XCTestCase {
    let env = """
        <?php
        return [
            'backend' => [
                'frontName' => 'admin_x'
            ],
            'system' => [
                'default' => [
                    'web' => ['cookie' => ['cookie_httponly' => '0']]
                ]
            ]
        ];

        """

    func testReplacesAValueInPlace() throws {
        XCTAssertEqual(
            try MagentoEnvEdit.set(env, path: ["system", "default", "web", "cookie", "cookie_httponly"], literal: "'1'"),
            env.replacingOccurrences(of: "'cookie_httponly' => '0'", with: "'cookie_httponly' => '1'"))
    }

    func testAddsTheMissingPartAfterTheLastElement() throws {
        let out = try MagentoEnvEdit.set(env, path: ["system", "default", "admin", "security", "session_lifetime"], literal: "'900'")
        XCTAssertEqual(
            out,
            env.replacingOccurrences(
                of: "'web' => ['cookie' => ['cookie_httponly' => '0']]\n",
                with: """
                    'web' => ['cookie' => ['cookie_httponly' => '0']],
                                'admin' => [
                                    'security' => [
                                        'session_lifetime' => '900'
                                    ]
                                ]

                    """))
        let top = try MagentoEnvEdit.set(env, path: ["x-frame-options"], literal: "'SAMEORIGIN'")
        XCTAssertTrue(top?.contains("        ]\n    ],\n    'x-frame-options' => 'SAMEORIGIN'\n];") == true, top ?? "nil")
    }

    func testArraySyntaxTrailingCommasEmptyArraysAndCRLF() throws {
        let old = "<?php\r\nreturn array(\r\n  'system' => array(),\r\n  'MAGE_MODE' => 'default',\r\n);\r\n"
        XCTAssertEqual(
            try MagentoEnvEdit.set(old, path: ["system", "default", "a", "b"], literal: "'1'"),
            "<?php\r\nreturn array(\r\n  'system' => array(\r\n    'default' => [\r\n      'a' => [\r\n        'b' => '1'\r\n      ]\r\n    ]\r\n  ),\r\n  'MAGE_MODE' => 'default',\r\n);\r\n"
        )
        XCTAssertEqual(
            try MagentoEnvEdit.set(old, path: ["cache_types", "full_page"], literal: "1"),
            "<?php\r\nreturn array(\r\n  'system' => array(),\r\n  'MAGE_MODE' => 'default',\r\n  'cache_types' => [\r\n    'full_page' => 1\r\n  ],\r\n);\r\n",
            "after the trailing comma, keeping one")
    }

    func testAPathThatRunsIntoTheWrongShapeIsRefused() throws {
        XCTAssertNil(try MagentoEnvEdit.set(env, path: ["backend", "frontName", "x"], literal: "1"), "a value where an array is needed")
        XCTAssertNil(try MagentoEnvEdit.set(env, path: ["system", "default"], literal: "1"), "an array where a value is needed")
        XCTAssertNil(try MagentoEnvEdit.set("<?php\n$x = 1;\n", path: ["a"], literal: "1"), "nothing returned")
        XCTAssertThrowsError(try MagentoEnvEdit.set("<?php\nreturn ['a' => 1\n", path: ["a"], literal: "2"))
    }
}
