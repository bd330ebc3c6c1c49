import SlipwayCore
import SlipwayModel
import Testing

@Suite struct PathPatternTests {
    @Test(arguments: [
        ("services/api/**", "services/api/main.swift", true),
        ("services/api/**", "services/api/sub/deep/file.txt", true),
        ("services/api/**", "services/apix/main.swift", false),
        ("services/api/**", "services/api", false),
        ("services/api", "services/api/main.swift", true),
        ("services/api/", "services/api/a/b", true),
        ("libs/common/**", "libs/common/x.swift", true),
        ("*.md", "docs/guide/README.md", true),
        ("/*.md", "docs/README.md", false),
        ("/*.md", "README.md", true),
        ("**/*.sql", "services/hr/migrations/V1__init.sql", true),
        ("services/*/Dockerfile", "services/api/Dockerfile", true),
        ("services/*/Dockerfile", "services/api/x/Dockerfile", false),
        ("src/file?.swift", "src/file1.swift", true),
        ("src/file[0-3].swift", "src/file4.swift", false),
        ("src/file[!0-3].swift", "src/file4.swift", true),
    ])
    func matchesAsGitignoreDoes(pattern: String, path: String, expected: Bool) {
        #expect(PathPattern(pattern).matches(path) == expected, "\(pattern) vs \(path)")
    }
}

func service(_ name: String, paths: [String] = [], dependsOn: [String] = []) -> ServiceConfig {
    var service = ServiceConfig(name: name, run: "x")
    service.paths = paths
    service.dependsOn = dependsOn
    return service
}

@Suite struct DeploymentPlanTests {
    let services = [
        service("gateway", paths: ["services/gateway/**"]),
        service("hr", paths: ["services/hr/**", "libs/common/**"], dependsOn: ["gateway"]),
        service("web", paths: ["web/**", "libs/common/**"]),
    ]

    @Test func oneServiceChanged() throws {
        let plan = try DeploymentPlan.forChanges(["services/hr/main.swift"], services: services)
        #expect(plan.waves.map { $0.map(\.service) } == [["hr"]])
        #expect(plan.waves[0][0].because == ["services/hr/main.swift"])
    }

    @Test func sharedLibrarySelectsEveryServiceThatUsesIt() throws {
        let plan = try DeploymentPlan.forChanges(["libs/common/util.swift", "README.md"], services: services)
        #expect(plan.waves.map { $0.map(\.service) } == [["hr", "web"]])
    }

    @Test func dependenciesComeInAnEarlierWave() throws {
        let plan = try DeploymentPlan.forChanges(["services/gateway/a", "libs/common/b"], services: services)
        #expect(plan.waves.map { $0.map(\.service) } == [["gateway", "web"], ["hr"]])
    }

    @Test func nothingChangedPlansNothing() throws {
        #expect(try DeploymentPlan.forChanges(["docs/x.md"], services: services).waves.isEmpty)
    }

    @Test func aCycleIsAClearError() {
        let cyclic = [service("a", dependsOn: ["b"]), service("b", dependsOn: ["a"])]
        #expect { try DeploymentPlan.forServices(["a", "b"], services: cyclic) } throws: { error in
            "\(error)".contains("cycle")
        }
    }
}

@Suite struct CoverageReportTests {
    @Test func lcovTotalsAcrossFiles() {
        let lcov = "TN:\nSF:a.swift\nLF:10\nLH:9\nend_of_record\nSF:b.swift\nLF:10\nLH:7\nend_of_record\n"
        #expect(CoverageReport.lineCoverage(lcov) == 80)
    }

    @Test func coberturaLineRate() {
        let xml = #"<?xml version="1.0" ?><coverage line-rate="0.8125" branch-rate="0.5" version="1.9"><packages/></coverage>"#
        #expect(CoverageReport.lineCoverage(xml) == 81.25)
    }

    @Test func neitherFormatIsNil() {
        #expect(CoverageReport.lineCoverage("hello") == nil)
    }
}
