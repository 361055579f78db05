// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "oidc-doctor",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "OIDCDoctorCore", targets: ["OIDCDoctorCore"]),
        .executable(name: "oidc-doctor", targets: ["oidc-doctor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // The engine: pure values in, values out. Crypto is pure computation, so JWS checks live here.
        .target(
            name: "OIDCDoctorCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                // CloudFormation YAML templates (short-form tags such as !Sub) for --policy and audit.
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The TUI as a pure model: state + key → new state; state + size → Canvas. No curses here.
        .target(name: "OIDCDoctorScreens", dependencies: ["OIDCDoctorCore"]),
        // ncursesw from Debian's libncurses-dev; the shim defines NCURSES_WIDECHAR (SwiftPM drops pkg-config -D flags).
        .systemLibrary(name: "CNCursesw", path: "Sources/CNCursesw", providers: [.apt(["libncurses-dev"])]),
        .executableTarget(
            name: "oidc-doctor",
            dependencies: [
                "OIDCDoctorCore",
                "OIDCDoctorScreens",
                "CNCursesw",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // In-process benchmark of one diagnosis; a separate command, never a test.
        .executableTarget(name: "oidc-doctor-bench", dependencies: ["OIDCDoctorCore"], path: "Benchmarks/InProcess"),
        .testTarget(
            name: "OIDCDoctorCoreTests",
            dependencies: [
                "OIDCDoctorCore",
                // Listed so that `swift test` alone builds the binary the command-line tests run.
                "oidc-doctor",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            resources: [.copy("Scenarios"), .copy("Terraform"), .copy("Catalogue")]
        ),
        .testTarget(name: "OIDCDoctorScreensTests", dependencies: ["OIDCDoctorScreens", "OIDCDoctorCore", "oidc-doctor"]),
    ]
)
