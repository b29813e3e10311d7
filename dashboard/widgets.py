"""A clickable SVG picture as a widget (ipyvue, bundled with solara: works offline).

The browser shows the SVG string it is given; a click on an element that
carries ``data-id`` calls the Python callback ``on_pick`` with that id.
Solara's own VegaLite widget works the same way (a Vue template calling a
``vue_`` method); this one needs no JavaScript library from a CDN.
"""

from __future__ import annotations

import ipyvue
import traitlets

TEMPLATE = """
<template>
  <div class="staffroom-svg" :data-name="name" @click="onClick" v-html="svg"></div>
</template>
<script>
module.exports = {
  methods: {
    onClick(event) {
      const node = event.target.closest("[data-id]");
      if (node) {
        this.pick(Number(node.dataset.id));
      }
    },
  },
};
</script>
<style id="staffroom-svg">
.staffroom-svg { flex: 1 1 0; min-height: 0; width: 100%; }
.staffroom-svg svg { display: block; width: 100%; height: 100%; }
</style>
"""


class SvgView(ipyvue.VueTemplate):
    """An SVG picture; clicking an element with ``data-id`` calls ``on_pick(id)``."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    svg = traitlets.Unicode("").tag(sync=True)
    name = traitlets.Unicode("").tag(sync=True)
    on_pick = traitlets.Callable(None, allow_none=True)

    def vue_pick(self, data) -> None:
        """Called from the browser with the clicked element's ``data-id``."""
        if self.on_pick is not None and data is not None:
            self.on_pick(int(data))
