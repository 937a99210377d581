/** The ge4j compiler. */
package org.ge4j.compiler;
