package com.example.lib;

/** Stands for a library an instrumentation module is written against. */
public class FakeLibrary {
  public String greet(String name) {
    return "hello " + name;
  }

  public static int version;
}
