package dev.kiln.server.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Ec2FormTest {

    @Test
    void readsFlattenedListsInIndexOrder() {
        Ec2Form form = Ec2Form.parse("Action=DescribeImages&Version=2016-11-15&Owner.2=self&Owner.1=123456789012"
                + "&Owner.10=amazon&ImageId.1=ami-0123456789abcdef0");
        assertThat(form.required("Action")).isEqualTo("DescribeImages");
        assertThat(form.list("Owner")).containsExactly("123456789012", "self", "amazon");
        assertThat(form.list("ImageId")).containsExactly("ami-0123456789abcdef0");
        assertThat(form.list("ExecutableBy")).isEmpty();
    }

    @Test
    void readsFiltersWithTheirValues() {
        Ec2Form form = Ec2Form.parse("Filter.1.Name=name&Filter.1.Value.1=web-*&Filter.1.Value.2=db%3F"
                + "&Filter.2.Name=tag%3Ateam&Filter.2.Value.1=kiln+core");
        assertThat(form.filters()).containsExactly(
                new Ec2Form.Filter("name", java.util.List.of("web-*", "db?")),
                new Ec2Form.Filter("tag:team", java.util.List.of("kiln core")));
    }

    @Test
    void readsLaunchPermissionModifications() {
        Ec2Form form = Ec2Form.parse("LaunchPermission.Add.1.UserId=111111111111&LaunchPermission.Add.2.Group=all"
                + "&LaunchPermission.Remove.1.UserId=222222222222");
        assertThat(form.permissions("LaunchPermission.Add")).containsExactly(
                new Ec2Form.Permission("111111111111", null), new Ec2Form.Permission(null, "all"));
        assertThat(form.permissions("LaunchPermission.Remove")).containsExactly(
                new Ec2Form.Permission("222222222222", null));
    }

    @Test
    void missingRequiredParameterIsMissingParameter() {
        assertThatThrownBy(() -> Ec2Form.parse("Action=DeregisterImage").required("ImageId"))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.code()).isEqualTo("MissingParameter"));
    }

    @Test
    void badPercentEncodingIsInvalidParameterValue() {
        assertThatThrownBy(() -> Ec2Form.parse("Action=%zz"))
                .isInstanceOfSatisfying(Ec2Exception.class,
                        e -> assertThat(e.code()).isEqualTo("InvalidParameterValue"));
    }
}
