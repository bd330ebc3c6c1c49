import SlipwayTestSupport

/// The products `swift build` put beside the test bundle: the real `slipway` and the example service.
enum Binaries {
    static var slipway: String { BuiltProducts.path("slipway") }
    static var example: String { BuiltProducts.path("slipway-example") }
}
