/** The ge4j runtime. */
package org.ge4j.runtime;
