// Starts Kroxylicious from its runtime library with a YAML configuration file, as the
// kroxylicious-app main does, without its command-line layer (that artifact is not available
// here). Run as a source file: java -cp 'lib/*' KroxyliciousLauncher.java CONFIG.yaml
import io.kroxylicious.proxy.KafkaProxy;
import io.kroxylicious.proxy.config.ConfigParser;
import io.kroxylicious.proxy.config.Configuration;
import io.kroxylicious.proxy.internal.config.Features;

import java.nio.file.Files;
import java.nio.file.Path;

public class KroxyliciousLauncher {
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: KroxyliciousLauncher CONFIG.yaml");
            System.exit(2);
        }
        ConfigParser parser = new ConfigParser();
        Configuration config = parser.parseConfiguration(Files.readString(Path.of(args[0])));
        try (KafkaProxy proxy = new KafkaProxy(parser, config, Features.defaultFeatures())) {
            proxy.startup();
            System.out.println("kroxylicious: started");
            System.out.flush();
            proxy.block();
        }
    }
}
