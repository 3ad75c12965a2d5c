package io.bridgewall.nftnl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * NativeLibraries promises that nothing loads a native library before it is used. Every class
 * of the bindings is initialised in a class loader of its own (so no other test has loaded
 * anything yet there), and no library may have been loaded by that.
 */
class LazyNativeLibrariesTest {
    @Test
    void initialisingEveryBindingClassLoadsNoNativeLibrary() throws Exception {
        Path classes = Path.of(NativeObject.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names;
        try (Stream<Path> files = Files.walk(classes)) {
            names = files.filter(f -> f.toString().endsWith(".class"))
                    .map(f -> classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .filter(n -> n.startsWith("io.bridgewall."))
                    .sorted().toList();
        }
        ClassLoader isolated = new ChildFirst(classes, getClass().getClassLoader());
        for (String name : names) {
            Class<?> type = Class.forName(name, false, isolated);
            if (!type.isInterface() && !type.isAnnotation()) {
                Class.forName(name, true, isolated); // runs its static initialiser
            }
        }
        Class<?> libraries = Class.forName("io.bridgewall.nativelib.NativeLibraries", true, isolated);
        for (String field : List.of("NFTNL", "MNL", "LIBC")) {
            Field lazy = libraries.getDeclaredField(field);
            lazy.setAccessible(true);
            Object holder = lazy.get(null);
            Field value = holder.getClass().getDeclaredField("value");
            value.setAccessible(true);
            assertThat(value.get(holder)).as("%s loaded by a static initialiser", field).isNull();
        }
        assertThat(names).contains("io.bridgewall.nftnl.Batch", "io.bridgewall.nftnl.NftnlExpr",
                "io.bridgewall.nftnl.NftRequests");
    }

    /** Loads io.bridgewall classes itself from the build output; everything else from the parent. */
    private static final class ChildFirst extends ClassLoader {
        private final Path classes;

        ChildFirst(Path classes, ClassLoader parent) {
            super(parent);
            this.classes = classes;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.bridgewall.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    Path file = classes.resolve(name.replace('.', '/') + ".class");
                    try (InputStream in = Files.newInputStream(file)) {
                        byte[] bytes = in.readAllBytes();
                        loaded = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                return loaded;
            }
        }
    }

}
