import GavelCore
import XCTest

/// Paths as users type them: bare one-character names, `-`, `./`, `..`, trailing slashes.
final class PathNamesTests: XCTestCase {
    func testFolderOfEveryShapeOfPath() {
        XCTAssertEqual(PathNames.folder(of: "p"), ".", "a bare name lies in the working folder")
        XCTAssertEqual(PathNames.folder(of: "-"), ".")
        XCTAssertEqual(PathNames.folder(of: "policy.yaml"), ".")
        XCTAssertEqual(PathNames.folder(of: "./p"), ".")
        XCTAssertEqual(PathNames.folder(of: "../p"), "..")
        XCTAssertEqual(PathNames.folder(of: "a/b/c.yaml"), "a/b")
        XCTAssertEqual(PathNames.folder(of: "a/b/"), "a", "a trailing slash is not a component")
        XCTAssertEqual(PathNames.folder(of: "/x"), "/")
        XCTAssertEqual(PathNames.folder(of: "/"), "/")
        XCTAssertEqual(PathNames.folder(of: ""), ".")
    }

    func testLastComponentStemAndJoin() {
        XCTAssertEqual(PathNames.lastComponent(of: "p"), "p")
        XCTAssertEqual(PathNames.lastComponent(of: "a/b/c.yaml"), "c.yaml")
        XCTAssertEqual(PathNames.lastComponent(of: "a/b/"), "b")
        XCTAssertEqual(PathNames.lastComponent(of: "/"), "/")
        XCTAssertEqual(PathNames.stem(of: "data/redirects.yaml"), "redirects")
        XCTAssertEqual(PathNames.stem(of: "x"), "x")
        XCTAssertEqual(PathNames.join(".", "conf.d"), "./conf.d")
        XCTAssertEqual(PathNames.join("/etc/php/", "conf.d"), "/etc/php/conf.d")
        XCTAssertEqual(PathNames.join("/etc", "/abs"), "/abs", "an absolute name is kept")
    }
}
