// swift-tools-version: 6.2

import PackageDescription

let package = Package(
    name: "qsl-config",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "qsl-config", targets: ["qsl-config"]),
        // The start-up library services link: secret stores, layering, resolution, refresh.
        .library(name: "QSLConfig", targets: ["QSLConfig"]),
        // The platform operations the CLI runs: platform root and catalogue, validate, bundle, seed.
        .library(name: "QSLConfigOperations", targets: ["QSLConfigOperations"]),
        // The document model, layering and placeholder grammar, with no AWS in it.
        .library(name: "QSLConfigCore", targets: ["QSLConfigCore"]),
        // The resolved configuration as an apple/swift-configuration `ConfigProvider`.
        .library(name: "QSLConfigSwiftConfiguration", targets: ["QSLConfigSwiftConfiguration"]),
        // The resource clients rotation uses (PostgreSQL): never linked by `QSLConfig`.
        .library(name: "QSLConfigResources", targets: ["QSLConfigResources"]),
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
        // What the four C-library loaders below share: open on first use with dlopen, resolve
        // every function, once per process, with one message naming the library and its Debian
        // package when it cannot be loaded.
        .target(name: "CLazyLibrary"),

        // The system OpenSSL libcrypto (SHA-256, HMAC, random bytes, AES-GCM), loaded with dlopen on
        // first use, never linked: the headers come from libssl-dev, the library at run time from libssl3.
        .target(name: "CLibCrypto", dependencies: ["CLazyLibrary"]),
        .target(name: "QSLCrypto", dependencies: ["CLibCrypto", "QSLConfigCore"]),

        // libcurl's easy interface (the AWS transport), loaded with dlopen on first use, never
        // linked: the headers come from libcurl4-openssl-dev, the library at run time from libcurl4.
        .target(name: "CLibCurl", dependencies: ["CLazyLibrary"]),

        // The system OpenSSL libssl: TLS for the resource clients (Redis), never the start-up library.
        // Loaded with dlopen on first use (after CLibCrypto's libcrypto), never linked: the headers
        // come from libssl-dev, the library at run time from libssl3.
        .target(name: "CLibSSL", dependencies: ["CLazyLibrary", "CLibCrypto"]),

        // Redis for rotation at the resource: StackExchange.Redis connection strings and a small
        // RESP2 client over POSIX sockets and OpenSSL (ElastiCache in-transit encryption).
        // To be folded into QSLConfigResources.
        .target(name: "QSLConfigRedis", dependencies: ["CLibSSL", "QSLCrypto", "QSLConfigCore"]),

        // libpq, the PostgreSQL client rotation changes passwords with, loaded with dlopen on first
        // use, never linked: the headers come from libpq-dev, the library at run time from libpq5.
        .target(name: "CLibPQ", dependencies: ["CLazyLibrary"]),

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
                "CLibCurl",
                "QSLConfigCore",
                "QSLCrypto",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // ``URLSessionTransport``: AWS over Foundation's URLSession, for the tests and the soak
        // benchmark. A module of its own so that the CLI and the start-up library never link
        // FoundationNetworking (which links libcurl at process start).
        .target(name: "QSLConfigAWSURLSession", dependencies: ["QSLConfigAWS"]),

        // JSON Schema (draft 2020-12 and draft-07) over the document model.
        .target(name: "QSLConfigSchema", dependencies: ["QSLConfigCore"]),

        // The start-up library: secret stores, loading and layering, resolution, refresh. What a
        // service links; it never reaches the schema validator or a resource client (a test
        // reads `swift package describe` to keep it so).
        .target(
            name: "QSLConfig",
            dependencies: [
                "QSLConfigCore",
                "QSLConfigAWS",
                "QSLCrypto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),

        // The resource clients rotation reaches: Npgsql connection strings, the libpq client.
        // Never in the start-up library's closure (the package-shape test keeps it so).
        .target(name: "QSLConfigResources", dependencies: ["CLibPQ", "QSLConfigCore"]),

        // The platform operations the CLI runs, callable as a library: platform root and
        // catalogue, validate, bundle, seed (and migrate, rotate).
        .target(
            name: "QSLConfigOperations",
            dependencies: [
                "QSLConfig",
                "QSLConfigRedis",
                "QSLConfigResources",
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
                "QSLConfigCore",
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
                "QSLConfigOperations",
                "QSLConfigCore",
                "QSLConfigAWS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Benchmark drivers for scripts/bench-*.sh (built in release mode by those scripts).
        .executableTarget(
            name: "qsl-bench",
            dependencies: ["QSLConfigCore", "QSLConfigSchema", "QSLConfigAWS", "QSLConfigAWSURLSession", "QSLCrypto", "QSLConfig", "QSLConfigTesting"]
        ),

        .testTarget(name: "QSLConfigCoreTests", dependencies: ["QSLConfigCore"], exclude: ["Fixtures"]),
        .testTarget(name: "QSLConfigAWSTests", dependencies: ["QSLConfigAWS", "QSLConfigAWSURLSession", "QSLConfigCore", "QSLConfigTesting"]),
        .testTarget(name: "QSLCryptoTests", dependencies: ["QSLCrypto"]),
        .testTarget(name: "QSLConfigRedisTests", dependencies: ["QSLConfigRedis"]),
        .testTarget(name: "QSLConfigSchemaTests", dependencies: ["QSLConfigSchema", "QSLConfigCore"]),
        .testTarget(name: "QSLConfigResourcesTests", dependencies: ["QSLConfigResources", "QSLConfigCore"]),
        .testTarget(name: "QSLConfigTests", dependencies: ["QSLConfig", "QSLConfigAWS", "QSLConfigAWSURLSession", "QSLConfigTesting", "QSLConfigCore"]),
        .testTarget(
            name: "QSLConfigOperationsTests",
            dependencies: [
                "QSLConfigOperations", "QSLConfig", "QSLConfigAWS", "QSLConfigAWSURLSession", "QSLConfigTesting", "QSLConfigCore", "QSLCrypto",
                "QSLConfigRedis", "QSLConfigResources", "QSLConfigSchema", .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "QSLConfigSwiftConfigurationTests",
            dependencies: [
                "QSLConfigSwiftConfiguration",
                "QSLConfig",
                "QSLConfigCore",
                "QSLConfigTesting",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "ConfigurationTesting", package: "swift-configuration"),
            ]
        ),
        .testTarget(
            name: "QSLConfigCLITests",
            dependencies: [
                "qsl-config", "QSLConfig", "QSLConfigOperations", "QSLConfigAWS", "QSLConfigAWSURLSession", "QSLConfigCore", "QSLConfigTesting",
                "QSLConfigRedis", "QSLConfigResources",
                // To walk the CLI's command tree (`configuration.subcommands`) in the redaction canary.
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
