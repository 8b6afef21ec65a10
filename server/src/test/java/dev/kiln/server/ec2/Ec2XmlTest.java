package dev.kiln.server.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.machine.MachineImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class Ec2XmlTest {

    static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    static String at(Document doc, String xpath) throws Exception {
        return (String) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.STRING);
    }

    @Test
    void describeImagesAnswerHasTheModelsElementNames() throws Exception {
        MachineImage image = ImageQueryTest.image("ami-0123456789abcdef0", "111111111111", "web <1> & co",
                Map.of("team", "kiln"), Set.of(), true);
        String xml = Ec2Xml.response("DescribeImages", "req-1").images(List.of(image)).end("DescribeImages");
        Document doc = parse(xml);
        assertThat(doc.getDocumentElement().getNamespaceURI()).isNull(); // not namespace-aware parsing
        assertThat(doc.getDocumentElement().getAttribute("xmlns")).isEqualTo(Ec2Xml.NAMESPACE);
        assertThat(at(doc, "/DescribeImagesResponse/requestId")).isEqualTo("req-1");
        String item = "/DescribeImagesResponse/imagesSet/item/";
        assertThat(at(doc, item + "imageId")).isEqualTo("ami-0123456789abcdef0");
        assertThat(at(doc, item + "name")).isEqualTo("web <1> & co");
        assertThat(at(doc, item + "imageOwnerId")).isEqualTo("111111111111");
        assertThat(at(doc, item + "isPublic")).isEqualTo("true");
        assertThat(at(doc, item + "imageState")).isEqualTo("available");
        assertThat(at(doc, item + "creationDate")).isEqualTo("2026-01-02T03:04:05.000Z");
        assertThat(at(doc, item + "blockDeviceMapping/item/ebs/volumeSize")).isEqualTo("8");
        assertThat(at(doc, item + "tagSet/item/key")).isEqualTo("team");
        assertThat(at(doc, item + "tagSet/item/value")).isEqualTo("kiln");
    }

    @Test
    void launchPermissionsListGroupAndUsers() throws Exception {
        MachineImage image = ImageQueryTest.image("ami-0123456789abcdef0", "111111111111", "web", Map.of(),
                Set.of("222222222222"), true);
        Document doc = parse(Ec2Xml.response("DescribeImageAttribute", "r").launchPermissions(image)
                .end("DescribeImageAttribute"));
        assertThat(at(doc, "//launchPermission/item[1]/group")).isEqualTo("all");
        assertThat(at(doc, "//launchPermission/item[2]/userId")).isEqualTo("222222222222");
    }

    @Test
    void errorsHaveCodeMessageAndRequestId() throws Exception {
        Document doc = parse(Ec2Xml.error("InvalidAMIID.NotFound", "The image id '[ami-1]' does not exist", "r-2"));
        assertThat(at(doc, "/Response/Errors/Error/Code")).isEqualTo("InvalidAMIID.NotFound");
        assertThat(at(doc, "/Response/Errors/Error/Message")).isEqualTo("The image id '[ami-1]' does not exist");
        assertThat(at(doc, "/Response/RequestID")).isEqualTo("r-2");
    }
}
