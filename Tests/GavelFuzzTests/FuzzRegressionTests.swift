import Foundation
@_spi(Fuzzing) import GavelCollectors
@_spi(Fuzzing) import GavelEngine
import XCTest

/// Every input kept under Corpus/<target>/ (what fuzzing found, and hand-written hostile
/// inputs) runs through its fuzz target's entry point: each must return. A crash, a trap or
/// a hang fails the suite; scripts/fuzz.sh adds each new finding here.
final class FuzzRegressionTests: XCTestCase {
    static let targets: [String: @Sendable ([UInt8]) -> Void] = [
        "policy": EngineFuzzing.policy, "snapshot": EngineFuzzing.snapshot, "results": EngineFuzzing.results,
        "baseline": EngineFuzzing.baseline, "nginx": CollectorFuzzing.nginxConfig, "nginx-dump": CollectorFuzzing.nginxDump,
        "php-ini": CollectorFuzzing.phpIni, "fpm-pool": CollectorFuzzing.fpmPool, "sshd-config": CollectorFuzzing.sshdConfig,
        "php-source": CollectorFuzzing.phpSource, "unserialize": CollectorFuzzing.unserialize,
        "shopify-response": CollectorFuzzing.shopifyResponse, "x509": CollectorFuzzing.x509, "secrets": CollectorFuzzing.secrets,
        "config-file": CollectorFuzzing.configFile,
    ]

    /// scripts/fuzz.sh runs the same targets the regression test replays.
    func testTheFuzzScriptListsEveryTarget() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let script = try String(contentsOfFile: repo + "/scripts/fuzz.sh", encoding: .utf8)
        let line = try XCTUnwrap(script.split(separator: "\n").first { $0.hasPrefix("targets=(") })
        let names = line.dropFirst("targets=(".count).dropLast().split(separator: " ").map(String.init)
        XCTAssertEqual(Set(names), Set(Self.targets.keys))
    }

    func testEveryKeptInputReturns() throws {
        setenv(
            "GAVEL_FUZZ_POLICIES",
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/Policies", 1)
        let corpus = try XCTUnwrap(Bundle.module.resourcePath) + "/Corpus"
        let dirs = try FileManager.default.contentsOfDirectory(atPath: corpus).sorted()
        XCTAssertEqual(Set(dirs), Set(Self.targets.keys), "one corpus folder per fuzz target")
        var ran = 0
        for dir in dirs {
            let run = try XCTUnwrap(Self.targets[dir], dir)
            for name in try FileManager.default.contentsOfDirectory(atPath: corpus + "/" + dir).sorted() {
                let bytes = try XCTUnwrap(FileManager.default.contents(atPath: corpus + "/" + dir + "/" + name), name)
                let started = Date()
                run([UInt8](bytes))
                XCTAssertLessThan(Date().timeIntervalSince(started), 20, "\(dir)/\(name) ran far too long")
                ran += 1
            }
        }
        XCTAssertGreaterThanOrEqual(ran, Self.targets.count)
    }
}
