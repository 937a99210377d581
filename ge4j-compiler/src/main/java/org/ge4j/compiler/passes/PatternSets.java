package org.ge4j.compiler.passes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.PatternProvider;
import org.ge4j.compiler.fusion.FusionPatterns;
import org.ge4j.compiler.pass.Pass;
import org.ge4j.compiler.pattern.Pattern;
import org.ge4j.compiler.simplify.SimplifyPatterns;
import org.ge4j.ir.Ge4jException;

/** The patterns of each pattern pass: built-in ones, plugins' ({@link PatternProvider}) and the options' own. */
public final class PatternSets {
    private PatternSets() {}

    /** Every pattern known for these options, each name once. */
    public static List<Pattern> all(CompilerOptions o) {
        List<Pattern> l = new ArrayList<>(SimplifyPatterns.all());
        l.addAll(FusionPatterns.all());
        if (o.loadPlugins())
            for (PatternProvider p : ServiceLoader.load(PatternProvider.class, PatternSets.class.getClassLoader())) l.addAll(p.patterns());
        l.addAll(o.extraPatterns());
        Set<String> names = new HashSet<>();
        for (Pattern p : l) {
            if (!Pass.isValidName(p.name())) throw new Ge4jException("pattern name '" + p.name() + "' (" + p.getClass().getName() + ") is not kebab-case");
            if (!names.add(p.name())) throw new Ge4jException("two patterns are named '" + p.name() + "'");
        }
        return l;
    }

    /** The patterns that join the pattern pass {@code pass}. */
    public static List<Pattern> forPass(String pass, CompilerOptions o) {
        List<Pattern> l = new ArrayList<>();
        for (Pattern p : all(o)) if (p.pass().equals(pass)) l.add(p);
        return l;
    }
}
