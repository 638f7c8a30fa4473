import Foundation
import GavelCore
import XCTest

final class FileBytesTests: XCTestCase {
    func testReadsWhatFoundationReads() throws {
        let dir = NSTemporaryDirectory() + "filebytes-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var r = SplitMix64(seed: 3)
        for size in [0, 1, 4095, 65_536, 200_003] {
            let bytes = (0..<size).map { _ in UInt8(truncatingIfNeeded: r.next()) }
            let path = dir + "/f\(size)"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            XCTAssertEqual(FileBytes.read(path), bytes, "\(size) bytes")
        }
        XCTAssertNil(FileBytes.read(dir + "/missing"))
        XCTAssertNil(FileBytes.read(dir), "a folder is not a file's bytes")
        XCTAssertEqual(FileBytes.read("/dev/null"), [], "a device is read the ordinary way")
    }
}

extension FileBytesTests {
    func testContentsSaysWhyAFileCannotBeRead() {
        XCTAssertThrowsError(try FileBytes.contents("/nonexistent-\(getpid())")) { e in
            XCTAssertEqual((e as? FileBytes.ReadError)?.code, ENOENT)
            XCTAssertEqual("\(e)", "No such file or directory")
        }
        XCTAssertThrowsError(try FileBytes.contents("/tmp")) { e in
            XCTAssertEqual((e as? FileBytes.ReadError)?.code, EISDIR)
        }
        XCTAssertEqual(try FileBytes.contents("/dev/null"), [])
    }
}
