/* Calls exampleprov's C API through the imported target ExampleProv::ExampleProv. */
#include <stdio.h>
#include <exampleprov.h>

int main(void) {
    exampleprov_add(40);
    printf("%s %ld\n", exampleprov_version(), exampleprov_add(2));
    return 0;
}
