// spec::field_path_at: the dotted path of the field a diagnostic's line and column name.
#include <gtest/gtest.h>

#include "common/spec/field_path.hpp"
#include "common/spec/spec.hpp"

namespace berth::spec {
namespace {

const char* const kServices = R"(services:
  web:
    image: nginx
    replicas: -3
    ports: [80, 443]
    resources: {cpu: 1, memory: 1Gi}
)";

TEST(FieldPath, NamesKeysValuesAndListItems) {
  EXPECT_EQ(field_path_at(kServices, 1, 1), "services");
  EXPECT_EQ(field_path_at(kServices, 2, 3), "services.web");
  EXPECT_EQ(field_path_at(kServices, 4, 5), "services.web.replicas");
  EXPECT_EQ(field_path_at(kServices, 4, 15), "services.web.replicas");
  EXPECT_EQ(field_path_at(kServices, 5, 17), "services.web.ports[1]");
  EXPECT_EQ(field_path_at(kServices, 6, 25), "services.web.resources.memory");
}

TEST(FieldPath, IsEmptyWhereNothingStarts) {
  EXPECT_EQ(field_path_at(kServices, 3, 2), "");
  EXPECT_EQ(field_path_at(kServices, 99, 1), "");
  EXPECT_EQ(field_path_at(kServices, 0, 0), "");
  EXPECT_EQ(field_path_at("services: {web: [\n", 1, 1), "");
}

TEST(FieldPath, FindsTheFieldOfAParserDiagnostic) {
  const char* const yaml = "services:\n  web:\n    image: x\n    replica: 3\n";
  const auto problem = parse_services(model::Problem{}, yaml, "s.yaml");
  ASSERT_FALSE(problem.ok());
  ASSERT_EQ(problem.error().message.rfind("s.yaml:4:5: ", 0), 0u) << problem.error().message;
  EXPECT_EQ(field_path_at(yaml, 4, 5), "services.web.replica");
}

}  // namespace
}  // namespace berth::spec
