// swift-tools-version: 6.2

import PackageDescription

let package = Package(
    name: "qsl-config",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "qsl-config", targets: ["qsl-config"]),
        // The start-up library services link: layering, resolution, validation, bundles.
        .library(name: "QSLConfig", targets: ["QSLConfig"]),
        // The document model, layering and placeholder grammar, with no AWS in it.
        .library(name: "QSLConfigCore", targets: ["QSLConfigCore"]),
        // The resolved configuration as an apple/swift-configuration `ConfigProvider`.
        .library(name: "QSLConfigSwiftConfiguration", targets: ["QSLConfigSwiftConfiguration"]),
        // Fakes and the compat suite every secret store passes.
        .library(name: "QSLConfigTesting", targets: ["QSLConfigTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
    ],
    targets: [
        // The system OpenSSL libcrypto: SHA-256, HMAC, random bytes, AES-GCM.
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "QSLCrypto", dependencies: ["CLibCrypto"]),

        // Core: document model, layering, placeholders, diagnostics. Knows nothing of AWS.
        .target(
            name: "QSLConfigCore",
            dependencies: [
                .product(name: "OrderedCollections", package: "swift-collections")
            ]
        ),

        // AWS: SigV4, credentials, transport, Secrets Manager, SSM, STS, IAM.
        .target(
            name: "QSLConfigAWS",
            dependencies: [
                "QSLConfigCore",
                "QSLCrypto",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // JSON Schema (draft 2020-12 and draft-07) over the document model.
        .target(name: "QSLConfigSchema", dependencies: ["QSLConfigCore"]),

        // Operations: resolve, validate, bundle, migrate, rotate; secret stores.
        .target(
            name: "QSLConfig",
            dependencies: [
                "QSLConfigCore",
                "QSLConfigAWS",
                "QSLConfigSchema",
                "QSLCrypto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),

        .target(
            name: "QSLConfigSwiftConfiguration",
            dependencies: [
                "QSLConfig",
                .product(name: "Configuration", package: "swift-configuration"),
            ]
        ),

        .target(
            name: "QSLConfigTesting",
            dependencies: ["QSLConfig", "QSLConfigAWS", "QSLConfigCore"],
            // Run by MotoServer for resource-level IAM checks; not a resource of the library.
            exclude: ["Moto/moto_resource_policies.py"]
        ),

        .executableTarget(
            name: "qsl-config",
            dependencies: [
                "QSLConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Benchmark drivers for scripts/bench-*.sh (built in release mode by those scripts).
        .executableTarget(
            name: "qsl-bench",
            dependencies: ["QSLConfigCore", "QSLConfigSchema", "QSLConfigAWS", "QSLCrypto"]
        ),

        .testTarget(name: "QSLConfigCoreTests", dependencies: ["QSLConfigCore"], exclude: ["Fixtures"]),
        .testTarget(name: "QSLConfigAWSTests", dependencies: ["QSLConfigAWS", "QSLConfigTesting"]),
        .testTarget(name: "QSLConfigSchemaTests", dependencies: ["QSLConfigSchema"]),
        .testTarget(name: "QSLConfigTests", dependencies: ["QSLConfig", "QSLConfigAWS", "QSLConfigTesting", "QSLConfigCore"]),
        .testTarget(
            name: "QSLConfigSwiftConfigurationTests",
            dependencies: [
                "QSLConfigSwiftConfiguration",
                "QSLConfigTesting",
                .product(name: "ConfigurationTesting", package: "swift-configuration"),
            ]
        ),
        .testTarget(name: "QSLConfigCLITests", dependencies: ["qsl-config", "QSLConfig", "QSLConfigAWS", "QSLConfigCore", "QSLConfigTesting"]),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
