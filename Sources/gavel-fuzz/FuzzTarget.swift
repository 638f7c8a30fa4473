// The coverage-guided fuzz targets, one binary for all: GAVEL_FUZZ_TARGET names the one a
// run exercises. Built by scripts/fuzz.sh with `-sanitize=fuzzer,address` and
// `-D GAVEL_FUZZ`, when libFuzzer supplies `main`; an ordinary build makes a binary that
// says how to run it.
import Foundation
@_spi(Fuzzing) import GavelCollectors
@_spi(Fuzzing) import GavelEngine

enum FuzzTargets {
    static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "policy": EngineFuzzing.policy,
        "snapshot": EngineFuzzing.snapshot,
        "results": EngineFuzzing.results,
        "baseline": EngineFuzzing.baseline,
        "nginx": CollectorFuzzing.nginxConfig,
        "nginx-dump": CollectorFuzzing.nginxDump,
        "php-ini": CollectorFuzzing.phpIni,
        "fpm-pool": CollectorFuzzing.fpmPool,
        "sshd-config": CollectorFuzzing.sshdConfig,
        "php-source": CollectorFuzzing.phpSource,
        "unserialize": CollectorFuzzing.unserialize,
        "shopify-response": CollectorFuzzing.shopifyResponse,
        "x509": CollectorFuzzing.x509,
        "secrets": CollectorFuzzing.secrets,
        "config-file": CollectorFuzzing.configFile,
    ]

    nonisolated(unsafe) static var selected: (@Sendable ([UInt8]) -> Void)?
}

#if GAVEL_FUZZ
    /// libFuzzer's driver, called from the program's entry point: SwiftPM links an executable
    /// target with its own entry symbol (`gavel_fuzz_main`) standing for `main`.
    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    @_cdecl("gavel_fuzz_main")
    public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        var count = argc
        var args = argv
        return LLVMFuzzerRunDriver(&count, &args) { data, size in
            FuzzTargets.selected?(Array(UnsafeBufferPointer(start: data, count: size)))
            return 0
        }
    }

    @_cdecl("LLVMFuzzerInitialize")
    public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
        let name = ProcessInfo.processInfo.environment["GAVEL_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTargets.all[name] else {
            FileHandle.standardError.write(Data("GAVEL_FUZZ_TARGET must be one of: \(FuzzTargets.all.keys.sorted().joined(separator: ", "))\n".utf8))
            exit(2)
        }
        FuzzTargets.selected = target
        return 0
    }

    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        FuzzTargets.selected?(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
#else
    @main
    struct FuzzUsage {
        static func main() {
            print("gavel-fuzz is built for fuzzing by scripts/fuzz.sh TARGET SECONDS; targets: \(FuzzTargets.all.keys.sorted().joined(separator: ", "))")
        }
    }
#endif
