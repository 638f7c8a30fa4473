// swift-tools-version:6.0
import PackageDescription

// Dependency direction (top to bottom):
//   gavel (CLI) -> GavelPolicyReporters -> GavelReporters -> GavelHistory -> GavelResults -> GavelJSON -> GavelCore
//   GavelPolicyReporters -> GavelEngine -> GavelResults, GavelYAML / GavelJSON -> GavelCore
//   gavel (CLI) -> GavelFleet -> GavelCollectors -> GavelJSON / GavelYAML -> GavelCore
//   GavelFleet -> GavelYAML (the inventory)
//   gavel (CLI) -> GavelHistory -> GavelResults, GavelSQLite
//   GavelCore -> GavelSHAExtensions (SHA-256 on the CPU's SHA instructions), swift-system
//   GavelCollectors -> swift-certificates (X.509)
//   gavel-fuzz -> GavelEngine, GavelCollectors (their @_spi(Fuzzing) entry points)
// C types appear only in the wrapper modules GavelYAML, GavelJSON, GavelSQLite, GavelPostgres and GavelCompression.
//   GavelHistory -> GavelPostgres (libpq, the team store)
//   GavelHistory -> GavelCompression (Zstandard, for the store's pieces)
// GavelSHAExtensions holds SHA-256 on the CPU's SHA instructions; only that target is
// compiled with them enabled, and it checks the CPU before they run.
#if arch(x86_64)
let shaExtensionSettings: [SwiftSetting] = [
    .define("GAVEL_SHA_EXTENSIONS"),
    .unsafeFlags(["-Xcc", "-msha", "-Xcc", "-mssse3", "-Xcc", "-msse4.1"]),
]
#else
let shaExtensionSettings: [SwiftSetting] = []
#endif

let package = Package(
    name: "Gavel",
    products: [
        .executable(name: "gavel", targets: ["gavel"]),
        .executable(name: "gavel-bench", targets: ["gavel-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // FilePath: the one way paths are taken apart (PathNames).
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        // X.509: certificate names, subject alternative names and signature checks.
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.0"),
    ],
    targets: [
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CJansson", pkgConfig: "jansson", providers: [.apt(["libjansson-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // Headers only: libpq itself is loaded when a PostgreSQL store is used (GavelPostgres).
        .systemLibrary(name: "CLibPQ", providers: [.apt(["libpq-dev"])]),
        .target(name: "GavelSHAExtensions", swiftSettings: shaExtensionSettings),
        .target(name: "GavelCore", dependencies: [
            "GavelSHAExtensions", .product(name: "SystemPackage", package: "swift-system"),
        ]),
        .target(name: "GavelYAML", dependencies: ["CYAML", "GavelCore"]),
        .target(name: "GavelJSON", dependencies: ["CJansson", "GavelCore"]),
        .target(name: "GavelResults", dependencies: ["GavelCore", "GavelJSON"]),
        .target(name: "GavelEngine", dependencies: ["GavelCore", "GavelYAML", "GavelJSON", "GavelResults"]),
        .target(name: "GavelReporters", dependencies: ["GavelCore", "GavelJSON", "GavelResults", "GavelHistory"]),
        // Reports about a policy set rather than a run (explain, test): these need the compiler.
        .target(name: "GavelPolicyReporters", dependencies: ["GavelCore", "GavelResults", "GavelEngine", "GavelReporters"]),
        .target(name: "GavelCollectors", dependencies: [
            "GavelCore", "GavelJSON", "GavelYAML", .product(name: "X509", package: "swift-certificates"),
        ]),
        .target(name: "GavelFleet", dependencies: ["GavelCore", "GavelYAML", "GavelJSON", "GavelCollectors"]),
        .target(name: "GavelSQLite", dependencies: ["CSQLite"]),
        .target(name: "GavelCompression", dependencies: ["CZstd"]),
        .target(name: "GavelPostgres", dependencies: ["CLibPQ"]),
        .target(name: "GavelFix", dependencies: ["GavelCore", "GavelJSON", "GavelResults", "GavelEngine", "GavelCollectors"]),
        .target(name: "GavelHistory", dependencies: ["GavelCore", "GavelResults", "GavelSQLite", "GavelPostgres", "GavelCompression"]),
        .executableTarget(name: "gavel", dependencies: [
            "GavelCore", "GavelResults", "GavelEngine", "GavelReporters", "GavelPolicyReporters", "GavelCollectors", "GavelFleet", "GavelHistory", "GavelFix",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The fuzz targets (scripts/fuzz.sh builds them with libFuzzer and AddressSanitizer).
        .executableTarget(name: "gavel-fuzz", dependencies: ["GavelCore", "GavelEngine", "GavelCollectors"]),
        .executableTarget(name: "gavel-bench", dependencies: [
            "GavelCore", "GavelEngine", "GavelJSON",
        ]),
        .testTarget(name: "GavelCoreTests", dependencies: ["GavelCore", "GavelSHAExtensions"]),
        .testTarget(name: "GavelYAMLTests", dependencies: ["GavelYAML"]),
        .testTarget(name: "GavelJSONTests", dependencies: ["GavelJSON"]),
        .testTarget(name: "GavelResultsTests", dependencies: ["GavelResults", "GavelCore"]),
        .testTarget(name: "GavelEngineTests", dependencies: ["GavelEngine", "GavelResults", "GavelPolicyReporters", "GavelJSON", "GavelYAML"],
                    resources: [.copy("Conformance"), .copy("Diagnostics")]),
        .testTarget(name: "GavelReportersTests", dependencies: ["GavelReporters", "GavelPolicyReporters", "GavelResults", "GavelEngine", "GavelHistory"],
                    resources: [.copy("Golden")]),
        .testTarget(name: "GavelCollectorsTests", dependencies: ["GavelCollectors", "GavelCore", "GavelJSON"],
                    resources: [.copy("PHP/Corpus"), .copy("PHPSource/PHPSourceCorpus"), .copy("WordPress/Debian")]),
        .testTarget(name: "GavelFleetTests", dependencies: ["GavelFleet", "GavelCollectors", "GavelCore"]),
        .testTarget(name: "GavelFixTests", dependencies: ["GavelFix", "GavelEngine", "GavelCore"]),
        .testTarget(name: "GavelHistoryTests", dependencies: ["GavelHistory", "GavelResults", "GavelEngine", "GavelSQLite", "GavelCore", "GavelCompression"]),
        .testTarget(name: "GavelCLITests", dependencies: []),
        .testTarget(name: "GavelFuzzTests", dependencies: ["GavelEngine", "GavelResults", "GavelCollectors"], resources: [.copy("Corpus")]),
    ]
)
