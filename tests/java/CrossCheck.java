// Checks kgate's encoder against Apache Kafka's own generated message classes: every file the
// C++ side wrote is read by the Java class of that message and version, written back, and
// must come out byte for byte the same, with nothing left unread.
import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Readable;

public final class CrossCheck {
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: CrossCheck DIR (with DIR/manifest.txt)");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        List<String> lines = Files.readAllLines(dir.resolve("manifest.txt"));
        int passed = 0;
        int failed = 0;
        for (String line : lines) {
            String[] parts = line.trim().split(" ");
            if (parts.length != 3) continue;
            String className = "org.apache.kafka.common.message." + parts[0];
            short version = Short.parseShort(parts[1]);
            byte[] ours = Files.readAllBytes(dir.resolve(parts[2]));
            String problem;
            try {
                problem = check(className, version, ours);
            } catch (Exception | Error e) {
                problem = "Java could not read it: " + e;
            }
            if (problem == null) {
                passed++;
            } else {
                failed++;
                if (failed <= 50) System.out.println("FAIL " + parts[2] + ": " + problem);
            }
        }
        System.out.println("java cross-check: " + passed + " passed, " + failed + " failed");
        System.exit(failed == 0 && passed > 0 ? 0 : 1);
    }

    private static String check(String className, short version, byte[] ours) throws Exception {
        Class<?> cls = Class.forName(className);
        Constructor<?> ctor = cls.getConstructor(Readable.class, short.class);
        ByteBuffer in = ByteBuffer.wrap(ours);
        Message msg = (Message) ctor.newInstance(new ByteBufferAccessor(in), version);
        if (in.hasRemaining()) return in.remaining() + " bytes left unread";
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = msg.size(cache, version);
        ByteBuffer out = ByteBuffer.allocate(size);
        msg.write(new ByteBufferAccessor(out), cache, version);
        byte[] theirs = out.array();
        if (!Arrays.equals(ours, theirs)) {
            int i = 0;
            while (i < Math.min(ours.length, theirs.length) && ours[i] == theirs[i]) i++;
            return "Java re-encodes differently (ours " + ours.length + " bytes, Java's " + theirs.length + ", first difference at " + i + ")";
        }
        return null;
    }
}
