import Testing
@testable import SlipwayDatabase

@Suite struct MigrationVersionTests {
    @Test func partsCompareAsNumbers() throws {
        let versions = ["1_10", "1_9", "2", "1.2.3", "10", "1", "1_2"].map { MigrationVersion($0)! }
        #expect(versions.sorted().map(\.description) == ["1", "1.2", "1.2.3", "1.9", "1.10", "2", "10"])
    }

    @Test func trailingZerosAndLeadingZerosAreInsignificant() {
        #expect(MigrationVersion("1.0") == MigrationVersion("1"))
        #expect(MigrationVersion("1_0_0") == MigrationVersion("1"))
        #expect(MigrationVersion("01.002") == MigrationVersion("1.2"))
    }

    @Test func timestampsBeyondSixtyFourBitsCompare() {
        #expect(MigrationVersion("202611220930150000001")! > MigrationVersion("202611220930150000000")!)
        #expect(MigrationVersion("99999999999999999999")! < MigrationVersion("100000000000000000000")!)
    }

    @Test func underscoresShowAsDots() {
        #expect(MigrationVersion("2_1")?.description == "2.1")
    }

    @Test(arguments: ["", "1.", ".1", "1__2", "1a", "v1", "1-2"])
    func rejectsWhatIsNotAVersion(_ text: String) {
        #expect(MigrationVersion(text) == nil)
    }
}
