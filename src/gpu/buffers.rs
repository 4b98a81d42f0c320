//! Buffers, bind groups and read-back shared by the kernels' drivers.

use super::Gpu;
use crate::error::{Error, Result};
use bytemuck::Pod;
use wgpu::util::DeviceExt;

/// wgpu refuses zero-sized bindings; an empty table binds one zeroed element.
pub fn nonempty<T: Pod + Default>(items: &[T]) -> std::borrow::Cow<'_, [T]> {
    if items.is_empty() { std::borrow::Cow::Owned(vec![T::default()]) } else { std::borrow::Cow::Borrowed(items) }
}

pub fn storage_init<T: Pod>(device: &wgpu::Device, label: &str, items: &[T]) -> wgpu::Buffer {
    device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(label),
        contents: bytemuck::cast_slice(items),
        usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
    })
}

/// A storage buffer the host may rewrite between dispatches (`queue.write_buffer`).
pub fn storage_init_writable<T: Pod>(device: &wgpu::Device, label: &str, items: &[T]) -> wgpu::Buffer {
    device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(label),
        contents: bytemuck::cast_slice(items),
        usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
    })
}

pub fn output_buffer(device: &wgpu::Device, bytes: u64) -> wgpu::Buffer {
    device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("output"),
        size: bytes.max(16),
        usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
        mapped_at_creation: false,
    })
}

pub fn bind_group(
    device: &wgpu::Device,
    pipeline: &wgpu::ComputePipeline,
    buffers: &[&wgpu::Buffer],
    bindings: &[u32],
) -> wgpu::BindGroup {
    let entries: Vec<wgpu::BindGroupEntry<'_>> = buffers
        .iter()
        .zip(bindings)
        .map(|(b, &binding)| wgpu::BindGroupEntry { binding, resource: b.as_entire_binding() })
        .collect();
    device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: None,
        layout: &pipeline.get_bind_group_layout(0),
        entries: &entries,
    })
}

/// Copy the first `count` elements of a device buffer back to the host.
pub fn read_back<T: Pod>(gpu: &Gpu, buffer: &wgpu::Buffer, count: usize) -> Result<Vec<T>> {
    let bytes = (count * std::mem::size_of::<T>()) as u64;
    if bytes == 0 {
        return Ok(Vec::new());
    }
    let staging = gpu.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("staging"),
        size: bytes.next_multiple_of(wgpu::COPY_BUFFER_ALIGNMENT),
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    let mut encoder = gpu.device.create_command_encoder(&Default::default());
    encoder.copy_buffer_to_buffer(buffer, 0, &staging, 0, bytes.next_multiple_of(wgpu::COPY_BUFFER_ALIGNMENT));
    gpu.queue.submit([encoder.finish()]);
    let (tx, rx) = std::sync::mpsc::channel();
    staging.map_async(wgpu::MapMode::Read, .., move |r| {
        let _ = tx.send(r);
    });
    gpu.device
        .poll(wgpu::PollType::wait_indefinitely())
        .map_err(|e| Error::Gpu(format!("waiting for the device: {e}")))?;
    rx.recv()
        .map_err(|e| Error::Gpu(format!("map callback lost: {e}")))?
        .map_err(|e| Error::Gpu(format!("cannot map the result buffer: {e}")))?;
    let view = staging.get_mapped_range(..).map_err(|e| Error::Gpu(format!("cannot read the result buffer: {e}")))?;
    let out = bytemuck::cast_slice::<u8, T>(&view[..bytes as usize]).to_vec();
    drop(view);
    staging.unmap();
    Ok(out)
}
