import XCTest

@testable import GavelFix

/// Defines in wp-config.php: the one the snapshot names is replaced in place, whatever its
/// spelling; new ones go together where WordPress says custom values go, and never after
/// wp-settings.php is loaded.
final class WordPressDefineEditTests: XCTestCase {
    let config = """
        <?php
        define('DB_NAME', 'shop');
        if ( ! defined( 'WP_DEBUG' ) ) { define( "WP_DEBUG" , true ) ; } // staging
        define( 'WP_DEBUG_LOG', str_replace( 'a', 'b', 'c' ) );

        /* That's all, stop editing! Happy publishing. */
        require_once ABSPATH . 'wp-settings.php';

        """

    func testReplacesTheDefineOnItsLineKeepingTheRest() {
        XCTAssertEqual(
            WordPressDefineEdit.set(config, name: "WP_DEBUG", literal: "false", line: 3),
            config.replacingOccurrences(of: #"define( "WP_DEBUG" , true ) ;"#, with: "define( 'WP_DEBUG', false );"))
        XCTAssertEqual(
            WordPressDefineEdit.set(config, name: "WP_DEBUG_LOG", literal: "false", line: 4),
            config.replacingOccurrences(of: "define( 'WP_DEBUG_LOG', str_replace( 'a', 'b', 'c' ) );", with: "define( 'WP_DEBUG_LOG', false );"))
        XCTAssertNil(WordPressDefineEdit.set(config, name: "WP_DEBUG", literal: "false", line: 2), "line 2 defines DB_NAME")
        XCTAssertFalse(WordPressDefineEdit.lineSets(config, name: "WP_DEBUG", line: 4), "WP_DEBUG_LOG is not WP_DEBUG")
    }

    func testAddsNewDefinesTogetherBeforeStopEditing() {
        let out = WordPressDefineEdit.add(config, [("DISALLOW_FILE_EDIT", "true"), ("WP_AUTO_UPDATE_CORE", "'minor'")])
        XCTAssertEqual(
            out,
            config.replacingOccurrences(
                of: "/* That's all", with: "define( 'DISALLOW_FILE_EDIT', true );\ndefine( 'WP_AUTO_UPDATE_CORE', 'minor' );\n\n/* That's all"))
        let noComment = "<?php\nrequire_once( ABSPATH . 'wp-settings.php' );\n"
        XCTAssertEqual(WordPressDefineEdit.add(noComment, [("A", "1")]), "<?php\ndefine( 'A', 1 );\n\nrequire_once( ABSPATH . 'wp-settings.php' );\n")
        XCTAssertNil(WordPressDefineEdit.add("<?php\ndefine('A', 1);\n", [("B", "1")]), "no safe place: not after the file's end")
    }

    func testCRLFLinesStayCRLF() {
        let crlf = "<?php\r\ndefine( 'WP_DEBUG', true );\r\n/* That's all, stop editing! */\r\n"
        XCTAssertEqual(
            WordPressDefineEdit.set(crlf, name: "WP_DEBUG", literal: "false", line: 2),
            "<?php\r\ndefine( 'WP_DEBUG', false );\r\n/* That's all, stop editing! */\r\n")
        XCTAssertEqual(
            WordPressDefineEdit.add(crlf, [("A", "true")]),
            "<?php\r\ndefine( 'WP_DEBUG', true );\r\ndefine( 'A', true );\r\n\r\n/* That's all, stop editing! */\r\n")
    }

    func testAppendsToAListOfDefinesBeforeTheClosingTag() {
        XCTAssertEqual(
            WordPressDefineEdit.append("<?php\ndefine('A', 1);\n?>\n", [("B", "true")]), "<?php\ndefine('A', 1);\ndefine( 'B', true );\n?>\n")
        XCTAssertEqual(WordPressDefineEdit.append("<?php\ndefine('A', 1);\n\n", [("B", "true")]), "<?php\ndefine('A', 1);\ndefine( 'B', true );\n\n")
    }
}
