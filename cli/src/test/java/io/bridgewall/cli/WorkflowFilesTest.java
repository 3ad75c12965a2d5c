package io.bridgewall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The GitHub Actions files parse and have the shape GitHub needs (it reports a broken workflow
 * only after a push): .github/workflows/ci.yml runs the README's test command on an Ubuntu
 * runner and uploads the .deb; action.yml is a composite action whose every step names its
 * shell, whose inputs are documented, and which never pastes an input into a script.
 */
class WorkflowFilesTest {
    /** The repository's root: the tests run in cli/. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void theWorkflowRunsTheReadmesTestCommandOnAnUbuntuRunner() throws IOException {
        JsonNode workflow = read(".github/workflows/ci.yml");

        assertThat(workflow.path("on").has("push")).as("runs on push").isTrue();
        JsonNode test = workflow.path("jobs").path("test");
        assertThat(test.path("runs-on").asText()).isEqualTo("ubuntu-24.04");
        List<String> runs = texts(test.path("steps"), "run");
        String readmeCommand = readmeTestCommand();
        assertThat(readmeCommand).isEqualTo("sudo .ci/run");
        // The command as the README gives it, with CI=true (a missing privilege fails) and the cache's path.
        assertThat(runs).anySatisfy(run -> assertThat(run).startsWith("sudo CI=true ").endsWith(" .ci/run"));
        assertThat(texts(test.path("steps"), "uses")).anySatisfy(uses -> assertThat(uses).startsWith("actions/cache@"));
        assertThat(test.path("steps").findValuesAsText("path")).anySatisfy(path -> assertThat(path).contains(".m2"));
        // Nothing in the workflow stops, starts or replaces the runner's own Docker.
        assertThat(String.join("\n", runs)).doesNotContainPattern("systemctl (stop|start|restart|disable|mask)")
                .doesNotContain("service docker").doesNotContain("apt-get install");
        assertThat(Files.readString(ROOT.resolve(".ci/run"))).doesNotContainPattern("systemctl (stop|start|restart)")
                .doesNotContainPattern("(?m)^\\s*docker\\.io\\b");
    }

    @Test
    void theWorkflowUploadsTheDebAsAnArtifact() throws IOException {
        JsonNode packaging = read(".github/workflows/ci.yml").path("jobs").path("package");

        assertThat(packaging.path("runs-on").asText()).startsWith("ubuntu-");
        assertThat(texts(packaging.path("steps"), "run")).anySatisfy(run -> assertThat(run).contains("mvn").contains("package"));
        JsonNode upload = step(packaging.path("steps"), "actions/upload-artifact@");
        assertThat(upload.path("with").path("path").asText()).contains("packaging/target/bridgewall_*_all.deb");
        assertThat(upload.path("with").path("if-no-files-found").asText()).isEqualTo("error");
    }

    @Test
    void theActionIsCompositeEveryStepNamesItsShellAndEveryInputIsDocumented() throws IOException {
        JsonNode action = read("action.yml");

        assertThat(action.path("name").asText()).isNotBlank();
        assertThat(action.path("description").asText()).isNotBlank();
        assertThat(action.path("runs").path("using").asText()).isEqualTo("composite");
        JsonNode steps = action.path("runs").path("steps");
        assertThat(steps.size()).isPositive();
        steps.forEach(step -> {
            if (step.has("run")) {
                assertThat(step.path("shell").asText()).as(step.path("name").asText()).isEqualTo("bash");
            }
        });
        assertThat(fieldNames(action.path("inputs"))).containsExactlyInAnyOrder("deb-url", "allow", "isolation", "docker-firewall");
        action.path("inputs").fields().forEachRemaining(input -> {
            assertThat(input.getValue().path("description").asText()).as(input.getKey()).hasSizeGreaterThan(20);
            assertThat(input.getValue().has("default")).as(input.getKey()).isTrue();
        });
        JsonNode summary = action.path("outputs").path("summary");
        assertThat(summary.path("description").asText()).isNotBlank();
        assertThat(summary.path("value").asText()).isEqualTo("${{ steps.apply.outputs.summary }}");
    }

    @Test
    void theActionAppliesInCoexistenceModeWithTheInputsAsVariablesNeverPastedIntoTheScript() throws IOException {
        JsonNode steps = read("action.yml").path("runs").path("steps");

        JsonNode apply = null;
        for (JsonNode step : steps) {
            if (step.path("id").asText().equals("apply")) {
                apply = step;
            }
            // ${{ inputs.x }} in a script is text pasted into bash: an input holding $(...) would run.
            assertThat(step.path("run").asText()).as(step.path("name").asText()).doesNotContain("${{");
        }
        assertThat(apply).isNotNull();
        assertThat(apply.path("run").asText()).contains("apply --docker-firewall \"$BRIDGEWALL_DOCKER_FIREWALL\"")
                .contains("--isolation \"$BRIDGEWALL_ISOLATION\"").contains("--allow \"$exception\"")
                // the summary says "verified:" (CI greps for it): the table read back, not only the commit proven
                .contains(" --verify)")
                .contains("$GITHUB_OUTPUT");
        assertThat(apply.path("env").path("BRIDGEWALL_ALLOW").asText()).isEqualTo("${{ inputs.allow }}");
        assertThat(read("action.yml").path("inputs").path("docker-firewall").path("default").asText()).isEqualTo("auto");
        // The libraries bridgewall binds to, from the distribution.
        assertThat(texts(steps, "run")).anySatisfy(run -> assertThat(run).contains("apt-get install").contains("libnftnl11 libmnl0"));
    }

    @Test
    void theReadmeShowsTheActionInAWorkflowThatParses() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int section = readme.indexOf("## Cutting CI containers off the runner's network neighbours");
        assertThat(section).isNotNegative();
        Matcher example = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(example.find(section)).isTrue();

        JsonNode workflow = YAML.readTree(example.group(1));
        JsonNode steps = workflow.path("jobs").elements().next().path("steps");
        JsonNode bridgewall = null;
        for (JsonNode step : steps) {
            if (step.path("uses").asText().contains("bridgewall")) {
                bridgewall = step;
            }
        }
        assertThat(bridgewall).as("a step that uses the bridgewall action").isNotNull();
        assertThat(bridgewall.path("id").asText()).isNotBlank();
        for (String input : fieldNames(bridgewall.path("with"))) {
            assertThat(read("action.yml").path("inputs").has(input)).as("input " + input).isTrue();
        }
    }

    private static JsonNode read(String file) throws IOException {
        JsonNode node = YAML.readTree(ROOT.resolve(file).toFile());
        assertThat(node).as(file).isNotNull();
        assertThat(node.isObject()).as(file).isTrue();
        return node;
    }

    /** The README's test command: the line in "Two commands" that runs the tests. */
    private static String readmeTestCommand() throws IOException {
        return Files.readString(ROOT.resolve("README.md")).lines()
                .filter(line -> line.startsWith("sudo .ci/run"))
                .map(line -> line.replaceFirst("\\s+#.*$", ""))
                .findFirst().orElseThrow();
    }

    private static List<String> texts(JsonNode steps, String field) {
        List<String> values = new ArrayList<>();
        steps.forEach(step -> {
            if (step.has(field)) {
                values.add(step.path(field).asText());
            }
        });
        return values;
    }

    private static JsonNode step(JsonNode steps, String usesPrefix) {
        for (JsonNode step : steps) {
            if (step.path("uses").asText().startsWith(usesPrefix)) {
                return step;
            }
        }
        throw new AssertionError("no step uses " + usesPrefix + "...");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
